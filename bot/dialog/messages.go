package dialog

import (
	"fmt"

	"github.com/duijie/duijie/matcher"
)

// Msg names a user-facing text. Every text exists in English and Chinese.
type Msg string

// dialogTexts are the texts of the interview.
var dialogTexts = map[Msg][2]string{
	"welcome": {
		"Welcome to Duijie (对接) — a matchmaker between technical needs of enterprises and research results of universities. Describe what you need or what you offer in your own words; I will turn it into a profile and show you ranked counterparts with the reasons.",
		"欢迎使用「对接」！我帮企业找能解决技术难题的科研成果，也帮科研成果找到用得上的企业。直接用大白话说说您的需求或成果就行，我来整理，马上推荐合适的对接方，并告诉您为什么合适。",
	},
	"bot_description": {
		"Duijie (对接) matches enterprises' technical problems with the technologies of universities and institutes. Describe what you need or what you offer in plain words, Chinese or English; you see the best counterparts with the reasons at once, and contacts are exchanged only when both sides agree.",
		"「对接」帮企业的技术难题找到高校和科研院所的成果，也帮成果找到用得上的企业。用大白话说说您需要什么或能提供什么，中英文都行；马上就能看到最合适的对接方和理由。双方都同意后，才会交换联系方式。",
	},
	"bot_short_description": {"Matches enterprises' technical needs with university research. Describe yours in plain words.", "企业技术需求与高校科研成果对接。用大白话说说您的需求或成果。"},
	"choose_lang":           {"Choose your language / 请选择语言:", "请选择语言（Choose your language）："},
	"lang_set":              {"Language: English.", "语言已切换为中文。"},
	"choose_role":           {"What would you like to do?", "您想做什么？"},
	"role_need":             {"🏭 I have a technical need", "🏭 我有技术需求"},
	"role_offer":            {"🎓 I offer a technology", "🎓 我有技术成果"},
	"describe_need": {
		"Describe your technical problem in your own words: what goes wrong, where, at what scale, what you have tried, what a solution must achieve. Plain words are fine. You can send several messages; tap Done when you have said it all.",
		"请用自己的话描述您的技术难题：哪里出了什么问题、规模多大、试过什么办法、解决后要达到什么效果。说大白话就行，可以分几条发送，说完后点「完成」。",
	},
	"describe_offer": {
		"Describe your technology: what it does, what is new about it, what has been demonstrated and at what scale, its maturity, and who could use it. You can send several messages; tap Done when you have said it all.",
		"请介绍您的技术成果：能做什么、创新点、已经验证到什么程度和规模、成熟度，以及适合哪些企业。可以分几条发送，说完后点「完成」。",
	},
	"got_text":          {"Got it (%d characters so far). Add more, or tap Done.", "收到（目前共 %d 字）。可以继续补充，或点「完成」。"},
	"text_first":        {"Got it. Is this a problem you need solved, or a technology you offer?", "收到！这是您遇到的技术难题，还是您手里的技术成果？"},
	"too_short":         {"That is a bit short to find good matches. Please add a sentence or two: what exactly, where, how much.", "内容有点少，不好匹配。请再补充一两句：具体是什么、用在哪里、规模多大。"},
	"too_long":          {"That message has %d characters; a profile can hold up to %d. Please shorten it or send the most important part — nothing you sent before is lost.", "这条消息有 %d 字，档案最多 %d 字。请精简后再发，或只发最重要的部分——之前发送的内容都还在。"},
	"empty_text":        {"That message is empty. Please write in words.", "消息是空的，请用文字描述。"},
	"unsupported":       {"I can only read text. Please describe it in words, or add a caption to the photo or file.", "我只能读文字。请用文字描述，或者给图片、文件配上文字说明。"},
	"voice_no_model":    {"I cannot listen to voice messages here. Please type it instead — a few plain sentences are enough.", "这里暂时听不了语音。请直接打字说明，几句大白话就够了。"},
	"voice_too_long":    {"That voice message is too long for me. Please keep it under ten minutes, or type it.", "这条语音太长了。请控制在十分钟以内，或者直接打字。"},
	"voice_failed":      {"Sorry, I could not make out that voice message. Please try again, or type it.", "抱歉，这条语音没听清。请再发一次，或者直接打字。"},
	"voice_empty":       {"I heard no words in that voice message. Please try again, or type it.", "这条语音里没听到说话。请再发一次，或者直接打字。"},
	"voice_heard":       {"🎙 I heard:\n<blockquote>%s</blockquote>\nUse it as you said it, or send the voice again.", "🎙 我听到的是：\n<blockquote>%s</blockquote>\n没问题就点「就用这段」；有错的话可以重新录一条。"},
	"btn_voice_use":     {"✅ Use it", "✅ 就用这段"},
	"btn_voice_drop":    {"✖ Discard", "✖ 不用了"},
	"voice_dropped":     {"Discarded", "已丢弃"},
	"unknown_cmd":       {"I don't know the command %s. Send /help to see what I can do.", "没有 %s 这个命令。发送 /help 查看可用命令。"},
	"not_yours":         {"This button is not for you", "这不是您的按钮"},
	"stale_toast":       {"This button is out of date; use the latest message", "这个按钮已失效，请用最新消息里的按钮"},
	"idle_hint":         {"Send /new to create a profile, or /help.", "发送 /new 创建新档案，或 /help 查看帮助。"},
	"cancelled":         {"Cancelled; nothing was published. Send /new to start again.", "已取消，没有发布任何内容。发送 /new 重新开始。"},
	"nothing_to_cancel": {"There is nothing to cancel. Send /new to create a profile.", "当前没有进行中的操作。发送 /new 创建档案。"},
	"resume_ask":        {"You have an unfinished profile. Continue it or start over?", "您有一份未完成的档案。继续填写还是重新开始？"},
	"continue":          {"Continue", "继续"},
	"start_over":        {"Start over", "重新开始"},
	"done":              {"✅ Done", "✅ 完成"},
	"skip":              {"Skip", "跳过"},
	"publish":           {"📣 Publish", "📣 发布"},
	"edit":              {"✏️ Edit", "✏️ 修改"},
	"cancel":            {"Cancel", "取消"},
	"new_profile":       {"➕ New profile", "➕ 新建档案"},
	"switch_lang":       {"🌐 中文", "🌐 English"},
	"edit_prompt":       {"Send the new description; it replaces the old one. Your other answers are kept.", "请把新的描述发给我，它会替换原来那段；其他回答都保留。"},
	"answer_kept":       {"Noted.", "已记录。"},
	"help": {
		"Duijie matches enterprises' technical needs with universities' technologies.\n\n/new — create a profile (need or offer)\n/cancel — abandon the profile being written\n/my — your profiles, their matches; edit, pause, delete\n/search WORDS — look through counterparts now\n/connections — everyone you are connected with, and their contacts\n/settings — language and notifications of new matches\n/export — everything stored about you, as a file\n/delete — delete everything about you\n/lang — 中文 / English\n/help — this text\n\nWrite in plain words, Chinese or English. I ask a few questions about what is missing, show a summary, and on Publish show the best counterparts with the reasons. Tap 🤝 to ask for an introduction: contacts are exchanged only when the other side accepts.",
		"「对接」撮合企业技术需求与高校科技成果。\n\n/new — 新建档案（需求或成果）\n/cancel — 放弃正在填写的档案\n/my — 我的档案与匹配；修改、暂停、删除\n/search 关键词 — 直接搜索对接方\n/connections — 我的对接：已对接成功的对象及联系方式\n/settings — 语言与新匹配通知\n/export — 导出关于您的全部数据\n/delete — 删除关于您的全部数据\n/lang — 中文 / English\n/help — 查看本帮助\n\n中英文、大白话都可以。我会就缺少的信息问几个问题，给出摘要；发布后立即列出最合适的对接方和理由。点 🤝 请求对接：只有对方同意后，双方才会交换联系方式。",
	},

	// Follow-up questions.
	"q_domain":        {"Which field is it in? Type it in a word or two (for example: ceramics, fish farming), or pick the closest below.", "属于哪个行业？直接写一两个词就行，比如“陶瓷”“水产养殖”，也可以在下面选最接近的。"},
	"q_trl_need":      {"How mature must a solution be?", "您需要的技术成熟到什么程度？"},
	"q_trl_offer":     {"How mature is the technology now?", "这项技术目前成熟到什么程度？"},
	"trl_lab":         {"Lab result (TRL 3)", "实验室成果 (TRL 3)"},
	"trl_prototype":   {"Prototype (TRL 5)", "样机/样品 (TRL 5)"},
	"trl_pilot":       {"Pilot run (TRL 6)", "中试 (TRL 6)"},
	"trl_field":       {"Proven in use (TRL 7)", "已实际应用 (TRL 7)"},
	"trl_production":  {"In production (TRL 9)", "已量产 (TRL 9)"},
	"q_modes":         {"Which form of cooperation do you prefer?", "您希望怎样合作？"},
	"q_region":        {"Where are you located (city or province)? Type it, or skip.", "您在哪个城市或省份？请直接输入，或跳过。"},
	"q_budget_need":   {"What budget do you have in mind?", "大概的预算是多少？"},
	"budget_small":    {"Under 100k CNY", "10万元以下"},
	"budget_mid":      {"100k–1M CNY", "10–100万元"},
	"budget_large":    {"Over 1M CNY", "100万元以上"},
	"budget_open":     {"Open / to discuss", "面议"},
	"q_deadline":      {"By when do you need it?", "希望什么时候解决？"},
	"deadline_3m":     {"Within 3 months", "3个月内"},
	"deadline_1y":     {"Within a year", "1年内"},
	"deadline_none":   {"No fixed date", "不着急"},
	"q_success_need":  {"What result would count as success? (for example: defect rate below 0.5%, cost down 20%) Type it, or skip.", "达到什么效果算解决？（例如：不良率低于0.5%、成本降低20%）请直接输入，或跳过。"},
	"q_success_offer": {"What has been demonstrated, and at what scale? (for example: 1 year on a production line, 99% accuracy) Type it, or skip.", "已经验证到什么程度、什么规模？（例如：在生产线上运行1年、准确率99%）请直接输入，或跳过。"},
	"q_progress":      {"Question %d of %d. ", "第 %d/%d 个问题。"},
	"q_benefit_need":  {"What would solving it be worth, in numbers? (for example: scrap down from 3% to 0.5%, 2 million CNY saved a year) Type it, or skip.", "解决后能带来多大收益？请给出数字（例如：废品率从3%降到0.5%、每年节省200万元）。请直接输入，或跳过。"},
	"q_benefit_offer": {"What does it gain over what is used today, in numbers? (for example: 30% less energy, twice the speed) Type it, or skip.", "与现有做法相比有什么量化优势？（例如：能耗降低30%、速度提高一倍）请直接输入，或跳过。"},
	"q_clarify_need":  {"To find the right counterparts: in one or two sentences, what exactly should a solution do, and for which product or process? Type it, or skip.", "为了匹配准确，请用一两句话说明：具体需要解决什么问题，用在什么产品或工序上？请直接输入，或跳过。"},
	"q_clarify_offer": {"To find the right counterparts: in one or two sentences, what exactly does your technology do, and for which products or processes? Type it, or skip.", "为了匹配准确，请用一两句话说明：您的技术具体能做什么，适用于哪些产品或工序？请直接输入，或跳过。"},
	"llm_cap":         {"You have reached today's limit of detailed readings, so I read this one with the basic reader. Please check the summary carefully; tomorrow the detailed reading is back.", "今天的智能解析次数已用完，这次使用基础解析。请仔细核对摘要；明天即可恢复智能解析。"},

	// Asked again when a typed answer cannot be read, one per matcher.AnswerProblem.
	"reask_empty":              {"I did not catch an answer. Type it, tap a button, or Skip.", "没看到内容。请直接输入、点按钮，或者跳过。"},
	"reask_no_place":           {"I could not find a city or province in that. Type one, for example Ningbo or Zhejiang, or Skip.", "没看出是哪个地方。写个城市或省份就行，比如“宁波”“浙江”；也可以跳过。"},
	"reask_no_amount":          {"I could not read an amount. Type one, for example 200k CNY, or \"negotiable\"; or Skip.", "没看出金额。写个大概数就行，比如“20万”“二三十万”，或者“面议”；也可以跳过。"},
	"reask_unit_price":         {"That looks like a price per piece. What is the budget for the whole project, for example 200k CNY? Or Skip.", "这像是单价。整个项目大概打算投入多少？比如“20万”。也可以跳过。"},
	"reask_no_date":            {"I could not read a date. For example: within 3 months, by June, by the end of the year, or \"no rush\".", "没看出时间。可以写“三个月内”“六月前”“年底前”，或者“不急”。"},
	"reask_no_maturity":        {"Please pick one of the buttons, or type the stage, for example prototype or pilot, or a level from 1 to 9.", "请点一个按钮，或者写现在到了哪一步，比如“样机”“中试”，也可以写 1–9 的等级。"},
	"reask_no_domain":          {"I could not tell the field from that. Tap the closest one below, or Skip.", "没看出是哪个行业。请在下面点一个最接近的，或者跳过。"},
	"reask_no_mode":            {"Please tap a form of cooperation, or type one, for example licence, joint development or consulting.", "请点一种合作方式，或者直接写，比如“转让”“合作开发”“技术咨询”。"},
	"reask_not_in_description": {"I could not find that in your description. Could you type it here?", "描述里没找到这一项，麻烦在这里直接写一下。"},

	// Changing one part of the summary card.
	"change_which":   {"What would you like to change?", "要改哪一项？"},
	"change_text":    {"📝 Description", "📝 描述"},
	"field_domain":   {"Field", "行业"},
	"field_trl":      {"Maturity", "成熟度"},
	"field_success":  {"Result", "效果"},
	"field_region":   {"Region", "地区"},
	"field_modes":    {"Cooperation", "合作方式"},
	"field_budget":   {"Budget", "预算"},
	"field_deadline": {"Deadline", "期限"},

	// Small talk and search outside an interview.
	"hello":           {"Hello! I find technologies for enterprises' problems, and enterprises for technologies.", "您好！我帮企业找技术，也帮技术成果找企业。"},
	"you_are_welcome": {"You're welcome!", "不客气！"},
	"search_usage":    {"Send /search and what you are looking for, for example: /search pond aerator", "请在 /search 后面写上要找的内容，比如：/search 增氧机"},
	"search_for":      {"🔎 %s", "🔎 %s"},
	"search_none":     {"🔎 Nothing found for \"%s\" yet. Describe your need and publish it: counterparts who come later will find you.", "🔎 暂时没找到和“%s”相关的。把需求发布出来，以后有合适的对接方会找到您。"},
	"group_only":      {"I work in private chats only: open a chat with me to use me.", "我只在私聊里工作，请单独给我发消息。"},

	// Summary card.
	"card_need":          {"📝 Your need — please check", "📝 您的需求——请确认"},
	"card_offer":         {"📝 Your technology — please check", "📝 您的成果——请确认"},
	"card_title":         {"Title: %s", "标题：%s"},
	"card_domains":       {"Field: %s", "领域：%s"},
	"card_concepts":      {"Key topics: %s", "关键技术点：%s"},
	"card_trl_need":      {"Minimum maturity: TRL %d", "最低成熟度：TRL %d"},
	"card_trl_offer":     {"Maturity: TRL %d", "成熟度：TRL %d"},
	"card_modes":         {"Cooperation: %s", "合作方式：%s"},
	"card_region":        {"Region: %s", "地区：%s"},
	"card_budget_need":   {"Budget: %s", "预算：%s"},
	"card_budget_offer":  {"Price: %s", "报价：%s"},
	"card_deadline":      {"Deadline: %s", "期限：%s"},
	"card_success_need":  {"Success means: %s", "验收标准：%s"},
	"card_success_offer": {"Demonstrated: %s", "验证情况：%s"},
	"card_unknown":       {"not given", "未填写"},
	"card_footer":        {"Publish it to see your matches now.", "确认无误后点「发布」，马上为您匹配。"},

	// Results.
	"published":       {"✅ Published.", "✅ 已发布。"},
	"updated":         {"✅ Updated; it is still the same profile.", "✅ 已更新，还是原来那份档案。"},
	"matches_need":    {"Best technologies for your need:", "最适合您需求的技术成果："},
	"matches_offer":   {"Enterprises that need your technology:", "需要您这项技术的企业："},
	"no_matches":      {"No counterpart matches yet. Your profile stays published and others will find it; I will tell you when a good match arrives.", "暂时没有合适的对接方。您的信息已发布，对方也能找到您；一有合适的匹配，我会马上通知您。"},
	"no_good_match":   {"No good match yet. Your profile stays published, and I will tell you as soon as a good one arrives. You can still look at the weaker ones.", "暂时还没有很合适的匹配。您的信息已发布，一有合适的，我会马上通知您。也可以先看看相关度较低的结果。"},
	"btn_browse":      {"Show the weaker ones", "先看看相关度较低的结果"},
	"btn_prev":        {"◂ Back", "◂ 上一页"},
	"btn_more":        {"More ▸", "更多 ▸"},
	"no_more_matches": {"That is all for now. I will tell you when new matches arrive.", "暂时就这些了。有新的匹配时，我会通知您。"},
	"match_score":     {"%s · %d%%", "%s · %d%%"},
	"band_weak":       {"weak match", "相关度较低"},
	"similar_more":    {"(+%d similar, not listed)", "（另有 %d 个相似结果未列出）"},
	"team_intro":      {"🔗 Linkage team: together these offers cover %d of the %d topics of your need (the best single one covers %d).", "🔗 联合攻关：下面几项成果合起来，能覆盖您需求的 %d/%d 个技术点（单项成果最多覆盖 %d 个）。"},
	"team_covers":     {"covers: %s", "覆盖：%s"},
	"demo_tag":        {"[demo]", "[演示]"},

	// Errors.
	"err_internal": {"Sorry, something went wrong on our side. Please send that again in a minute.", "抱歉，系统出了点问题。请过一会儿再发送一次。"},
	"err_timeout":  {"That took too long. Please send it again.", "处理超时，请再发送一次。"},
	"err_invalid":  {"Some of it could not be accepted: %s", "有些内容没法保存：%s"},
}

// catalog holds every user-facing text as {English, Chinese}. Format
// verbs must agree between the two.
var catalog = merge(dialogTexts, actionTexts, adminTexts, channelTexts)

func merge(parts ...map[Msg][2]string) map[Msg][2]string {
	out := map[Msg][2]string{}
	for _, p := range parts {
		for k, v := range p {
			if _, dup := out[k]; dup {
				panic("bot: text " + string(k) + " defined twice")
			}
			out[k] = v
		}
	}
	return out
}

// Tr returns the text for key in lang, in Telegram HTML, formatted with
// args; string arguments are escaped, HTML ones are not.
func Tr(lang matcher.Lang, key Msg, args ...any) string {
	t, ok := catalog[key]
	if !ok {
		panic("bot: no text for " + string(key))
	}
	s := t[0]
	if lang == matcher.LangZH {
		s = t[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, escapeArgs(args)...)
	}
	return s
}
