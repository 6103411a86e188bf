package telegram

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// listsDir holds organizers' lists as people make them.
const listsDir = "../../dataset/testdata/lists"

func readList(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(listsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// startWithLists runs the bot with adminID as organizer, who reads Chinese.
func startWithLists(t *testing.T) (h, admin *tgHarness) {
	h, _ = startListsEngine(t)
	return h, h.as(adminID)
}

// startListsEngine is startWithLists that also returns the engine's index.
func startListsEngine(t *testing.T) (*tgHarness, *matcher.Index) {
	h, ix := startOrganizedEngine(t, func(o *bot.Organizers) {
		o.Lists = bot.NewLists(o.Store.(*store.Store), matcher.Default(), nil)
	})
	admin := h.as(adminID)
	admin.say("/start", "请选择语言")
	admin.press("中文", "")
	return h, ix
}

// TestListImportInChat: the organizers' real files are previewed in
// Chinese, imported only on Confirm, a second import changes nothing,
// Undo restores, and unreadable files are explained.
func TestListImportInChat(t *testing.T) {
	h, admin := startWithLists(t)

	pv := admin.upload("成果需求汇总.xlsx", readList(t, "成果需求汇总.xlsx"), "新增")
	t.Log("\n" + pv.Text)
	for _, want := range []string{"其中", "行有问题", "不超过 20 MB", "确认导入吗"} {
		if !strings.Contains(pv.Text, want) {
			t.Errorf("preview lacks %q:\n%s", want, pv.Text)
		}
	}
	if n := countImported(t, h); n != 0 {
		t.Fatalf("%d profiles stored before Confirm", n)
	}
	admin.pressOn(pv, "✅ 确认导入", "已导入")
	if countImported(t, h) == 0 {
		t.Fatal("nothing imported")
	}

	again := admin.upload("成果需求汇总.xlsx", readList(t, "成果需求汇总.xlsx"), "新增 0，更新 0")
	if again.Buttons != nil {
		t.Errorf("a second import offers to write something:\n%s", again.Text)
	}

	admin.say("/undo_import", "已撤销导入")
	if n := countImported(t, h); n != 0 {
		t.Errorf("%d imported profiles left after undo", n)
	}
	admin.say("/undo_import", "没有可撤销的导入")

	for _, name := range []string{"成果清单-gbk.csv", "需求清单-utf16le.csv", "需求清单-utf16be.csv", "list-gbk-english-header.csv"} {
		m := admin.upload(name, readList(t, name), "新增")
		admin.pressOn(m, "✅ 确认导入", "已导入")
	}
	if n := countImported(t, h); n == 0 {
		t.Error("the CSV lists imported nothing")
	}

	bomb := admin.upload("bomb.xlsx", readList(t, "bomb.xlsx"), "无法导入")
	if !strings.Contains(bomb.Text, "不超过 20 MB") {
		t.Errorf("the refusal does not state the limits:\n%s", bomb.Text)
	}
}

// countImported counts the profiles in the import namespace.
func countImported(t *testing.T, h *tgHarness) int {
	t.Helper()
	n := 0
	err := h.st.Profiles(context.Background(), func(p matcher.Profile) error {
		if dataset.IsImportID(p.ID) {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestEventLinkCounted: /event answers the link and its QR picture; a
// user arriving by it is counted, with what they publish, in the event's
// report.
func TestEventLinkCounted(t *testing.T) {
	h, admin := startWithLists(t)
	admin.say("/event qxwq2026", "t.me/duijie_test_bot?start=ev_qxwq2026")
	h.fake.WaitCount(t, wait, "sendPhoto", 1)

	a := h.as(7701)
	a.say("/start ev_qxwq2026", "Choose your language")
	a.publish("🏭 I have a technical need", needText)

	sum := admin.say("/report qxwq2026", "对接报告")
	t.Log("\n" + sum.Text)
	if !strings.Contains(sum.Text, "通过活动链接来的用户 1 人，发布 1 条") {
		t.Errorf("the event's report does not count the arrival:\n%s", sum.Text)
	}
	h.fake.WaitCount(t, wait, "sendDocument", 1) // the report's workbook
	h.fake.SendText(adminID, adminID, "/template")
	h.fake.WaitCount(t, wait, "sendDocument", 2)
	if _, files := h.documentsTo(adminID); files["对接清单模板.xlsx"].Files == nil {
		names, _ := h.documentsTo(adminID)
		t.Errorf("no template sent: %q", names)
	}
}

// TestListContactForUnclaimed: asking to meet an imported profile that
// nobody claimed gives the requester the list's contact, and the
// organizer is told; the contact is in no message before that.
func TestListContactForUnclaimed(t *testing.T) {
	h, ix := startListsEngine(t)
	admin := h.as(adminID)
	list := "序号,成果名称,成果简介,所属单位,联系人,联系电话,邮箱\n" +
		"1,Laser cladding of piston rods," + offerText + ",华东理工大学,王老师,021-64250000,wang@example.edu.cn\n"
	pv := admin.upload("成果清单.csv", []byte(list), "新增 1")
	admin.pressOn(pv, "✅ 确认导入", "已导入")
	// What serve's reader of the change stream does.
	h.st.Profiles(context.Background(), func(p matcher.Profile) error {
		ix.Upsert(p)
		return nil
	})

	a := h.as(7701)
	matches := a.publish("🏭 I have a technical need", needText)
	if strings.Contains(matches.Text, "021-64250000") {
		t.Fatalf("the list's contact is shown before any request:\n%s", matches.Text)
	}
	a.pressOn(matches, introButtonFor(t, matches, "Laser cladding of piston rods"), "021-64250000")
	got := a.expect(0, "021-64250000")
	for _, want := range []string{"王老师", "wang@example.edu.cn"} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("contact lacks %q:\n%s", want, got.Text)
		}
	}
	admin.expect(0, "已向其提供清单中的联系方式")
}

// TestListCannotOverwriteChatProfile: a list whose 序号 are the ids the bot
// gives profiles published in chat (p1, p2, …) leaves those profiles as
// their owners wrote them.
func TestListCannotOverwriteChatProfile(t *testing.T) {
	h, admin := startWithLists(t)
	a := h.as(7701)
	a.publish("🏭 I have a technical need", needText)
	var mine matcher.Profile
	h.st.Profiles(context.Background(), func(p matcher.Profile) error {
		if p.OwnerID == 7701 {
			mine = p
		}
		return nil
	})
	if mine.ID == "" {
		t.Fatal("no profile published")
	}
	list := "序号,成果名称,成果简介,所属单位\n" + mine.ID + ",清华大学的成果,一种全新的生物可降解材料合成技术，成本降低三成。,清华大学\n"
	pv := admin.upload("成果清单.csv", []byte(list), "新增 1")
	admin.pressOn(pv, "✅ 确认导入", "已导入")
	after, err := h.st.Profile(context.Background(), mine.ID)
	if err != nil || after.OwnerID != 7701 || after.Title != mine.Title || after.Kind != mine.Kind {
		t.Errorf("the chat profile changed: %+v, %v", after, err)
	}
}
