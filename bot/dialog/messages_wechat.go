package dialog

// channelTexts are the texts of the WeChat channel and of the contact
// cards users share when they connect.
var channelTexts = map[Msg][2]string{
	"wx_voice_unheard": {"I could not make out this voice message; please type it.", "这条语音没能识别出来，请直接打字告诉我。"},
	"wx_unsupported":   {"Here I can read text and voice messages only; please type your message.", "这里只能读取文字和语音消息，请直接打字告诉我。"},
	"wx_rate_limited":  {"You are sending messages faster than I can answer. Please wait a moment; what you sent just now was skipped.", "您发送得太快了，我来不及回复。请稍等片刻；刚才发来的消息没有处理。"},
	"contact_ask": {
		"Before we put you in touch: which contact may the other side have? Send a phone number, a WeChat ID or an e-mail address (you can change it later in /settings).",
		"对接前请留一个联系方式，对方在双方都同意后才能看到：手机号、微信号或邮箱都可以（之后可在 /settings 修改）。",
	},
	"contact_saved":    {"Saved. The other side gets this contact once you are both in: %s", "已保存。双方都同意后，对方会收到这个联系方式：%s"},
	"contact_invalid":  {"That does not look like a phone number, a WeChat ID or an e-mail address. Please send one of them.", "这看起来不像手机号、微信号或邮箱，请发送其中一种。"},
	"contact_setting":  {"Contact you share: %s", "对接时分享的联系方式：%s"},
	"contact_none":     {"Contact you share: none yet", "对接时分享的联系方式：尚未填写"},
	"contact_edit_btn": {"✏️ Contact", "✏️ 联系方式"},
}
