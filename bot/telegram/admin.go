package telegram

import (
	"context"
	"fmt"
	"slices"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/duijie/duijie/matcher"
)

// adminMenu lists the organizers' commands, added to the menu of each
// admin's private chat; the public menu never shows them.
var adminMenu = map[matcher.Lang][]models.BotCommand{
	matcher.LangEN: {
		{Command: "stats", Description: "Organizers: statistics"},
		{Command: "report", Description: "Organizers: docking report [EVENT]"},
		{Command: "event", Description: "Organizers: an event's link and QR code"},
		{Command: "template", Description: "Organizers: the Excel template of a list"},
		{Command: "undo_import", Description: "Organizers: revert the last import"},
		{Command: "claims", Description: "Organizers: claim codes [EVENT]"},
		{Command: "pending", Description: "Organizers: messages waiting for approval"},
		{Command: "admin", Description: "Organizers: help, importing lists"},
	},
	matcher.LangZH: {
		{Command: "stats", Description: "组织方：统计"},
		{Command: "report", Description: "组织方：对接报告 [活动]"},
		{Command: "event", Description: "组织方：活动链接和二维码"},
		{Command: "template", Description: "组织方：清单 Excel 模板"},
		{Command: "undo_import", Description: "组织方：撤销最近一次导入"},
		{Command: "claims", Description: "组织方：认领码 [活动]"},
		{Command: "pending", Description: "组织方：待审核的消息"},
		{Command: "admin", Description: "组织方：帮助、导入清单"},
	},
}

// setAdminMenus gives each admin's private chat the public commands and
// the organizers' ones. Telegram refuses a chat that never wrote to the
// bot, so a failure is logged, not fatal; the commands work anyway.
func (t *Bot) setAdminMenus(ctx context.Context) {
	for _, id := range t.opt.Admins {
		for _, set := range []struct {
			code string
			lang matcher.Lang
		}{{"", matcher.LangEN}, {"zh", matcher.LangZH}} {
			cmds := append(slices.Clone(commands[set.lang]), adminMenu[set.lang]...)
			_, err := t.b.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: cmds, Scope: &models.BotCommandScopeChat{ChatID: id}, LanguageCode: set.code})
			if err != nil {
				t.log.Warn("telegram admin menu not set; has the admin started the bot?", "user_id", id, "err", err)
				break
			}
		}
	}
}

// Username asks Telegram for the bot's username (getMe).
func (t *Bot) Username(ctx context.Context) (string, error) {
	u, err := t.b.GetMe(ctx)
	if err != nil {
		return "", fmt.Errorf("get bot username: %s", hideToken(err.Error(), t.opt.Token))
	}
	return u.Username, nil
}
