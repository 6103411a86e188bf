package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"

	"github.com/duijie/duijie/store/storetest"
)

// TestImportOrganizerList: the template, filled in as it comes, is
// previewed, imported, imported again without change, and undone.
func TestImportOrganizerList(t *testing.T) {
	mr := miniredis.RunT(t)
	url := "redis://" + mr.Addr() + "/0"
	file := filepath.Join(t.TempDir(), "成果需求.xlsx")
	if out, _, err := runCLI(t, url, "import", "--template", file); err != nil || !strings.Contains(out, "template written") {
		t.Fatalf("template: %q %v", out, err)
	}
	out, errOut, err := runCLI(t, url, "import", "--dry-run", "--lang", "zh", file)
	if err != nil || !strings.Contains(out, "成果需求.xlsx：新增 2，更新 0，其中 0 条类型改变，0 行有问题。") {
		t.Fatalf("dry run: %q %q %v", out, errOut, err)
	}
	claims := filepath.Join(t.TempDir(), "claims.csv")
	if out, errOut, err = runCLI(t, url, "import", "--tag", "qxwq2026", "--claims", claims, "--bot-username", "duijie_bot", file); err != nil ||
		!strings.Contains(out, "2 new, 0 updated") || !strings.Contains(out, "claim codes of 2 profiles written") {
		t.Fatalf("import: %q %q %v", out, errOut, err)
	}
	if out, _, err = runCLI(t, url, "import", "--tag", "qxwq2026", file); err != nil || !strings.Contains(out, "0 new, 0 updated, of which 0 change kind; 0 rows with problems. 2 more are the same") {
		t.Errorf("second import: %q %v", out, err)
	}
	if out, _, err = runCLI(t, url, "import", "--undo"); err != nil || !strings.Contains(out, "0 restored, 2 removed") {
		t.Errorf("undo: %q %v", out, err)
	}
	if out, _, err = runCLI(t, url, "import", "--undo"); err != nil || !strings.Contains(out, "no import to undo") {
		t.Errorf("second undo: %q %v", out, err)
	}
}

// TestReportFilesAndUnknownTag: the report of an imported list writes its
// workbook and chart beside the Markdown and CSV, with the summary; a tag
// nobody uses is answered in words.
func TestReportFilesAndUnknownTag(t *testing.T) {
	mr := miniredis.RunT(t)
	url := "redis://" + mr.Addr() + "/0"
	dir := t.TempDir()
	file := filepath.Join(dir, "list.xlsx")
	if _, _, err := runCLI(t, url, "import", "--template", file); err != nil {
		t.Fatal(err)
	}
	if _, errOut, err := runCLI(t, url, "import", "--tag", "qxwq2026", file); err != nil {
		t.Fatalf("import: %v %s", err, errOut)
	}
	out, errOut, err := runCLI(t, url, "report", "--tag", "千校万企", "--lang", "zh", "--out", dir)
	if err != nil || !strings.Contains(out, "没有任何条目带有标签“千校万企”。已有的标签：qxwq2026。") {
		t.Errorf("unknown tag: %q %q %v", out, errOut, err)
	}
	// A user arrives by the event's link.
	if err := storetest.OnAddr(t, mr.Addr(), storetest.ClientOptions{}).ArriveByEvent(context.Background(), "qxwq2026", 42); err != nil {
		t.Fatal(err)
	}
	out, errOut, err = runCLI(t, url, "report", "--tag", "qxwq2026", "--lang", "zh", "--out", dir)
	if err != nil || !strings.Contains(out, "对接报告 · qxwq2026\n需求 1 条") || !strings.Contains(out, "通过活动链接来的用户 1 人，发布 0 条。") {
		t.Errorf("report: %q %q %v", out, errOut, err)
	}
	for _, name := range []string{reportXLSXFile, reportChartFile} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
}
