package dataset

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/duijie/duijie/matcher"
)

func readFixture(t *testing.T, name string) *List {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "lists", name))
	if err != nil {
		t.Fatal(err)
	}
	l, err := ReadList(name, b, ListOptions{List: "qxwq2026", Now: now})
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return l
}

func TestReadListTwoSheetsSharingSeq(t *testing.T) {
	l := readFixture(t, "成果需求汇总.xlsx")
	var offers, needs int
	ids := map[string]bool{}
	for _, r := range l.Rows {
		switch r.Profile.Kind {
		case matcher.KindOffer:
			offers++
		case matcher.KindNeed:
			needs++
		}
		if !IsImportID(r.Profile.ID) || ids[r.Profile.ID] {
			t.Errorf("row %s:%d id %q: want a distinct import id", r.Sheet, r.Line, r.Profile.ID)
		}
		ids[r.Profile.ID] = true
	}
	if offers != 5 || needs != 3 {
		t.Errorf("offers %d needs %d, want 5 and 3 (序号 1–4 on both sheets stay apart)", offers, needs)
	}
	if l.Read != 10 {
		t.Errorf("read %d rows, want 10 (the title rows are not rows)", l.Read)
	}
	byTitle := map[string]Row{}
	for _, r := range l.Rows {
		byTitle[r.Profile.Title] = r
	}
	steel := byTitle["钢带表面缺陷视觉检测系统"]
	if steel.Profile.Org != "哈尔滨工业大学" {
		t.Errorf("merged organization cell: org = %q", steel.Profile.Org)
	}
	pha := byTitle["PHA 生物可降解材料合成技术"]
	if pha.Contact != (Contact{Name: "李工", Phone: "010-62780000", Email: "li@example.edu.cn"}) {
		t.Errorf("contact = %+v", pha.Contact)
	}
	if pha.Profile.TRL != 7 || pha.Profile.Budget != "500万元" || pha.Profile.Region != "北京" ||
		!cmp.Equal(pha.Profile.Modes, []matcher.Mode{matcher.ModeJointRD}) {
		t.Errorf("pha = %+v", pha.Profile)
	}
	if strings.Contains(pha.Profile.Description+strings.Join(pha.Profile.Keywords, ""), "010-") {
		t.Error("the contact leaked into the profile")
	}
	want := []string{"工作表“成果”第 8 行：缺少简介", "工作表“需求”第 6 行：缺少名称"}
	if diff := cmp.Diff(want, l.Summary(matcher.LangZH)); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	wantEN := []string{"sheet “成果”, row 8: no description", "sheet “需求”, row 6: no title"}
	if diff := cmp.Diff(wantEN, l.Summary(matcher.LangEN)); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}

	again := readFixture(t, "成果需求汇总.xlsx")
	for i := range l.Rows {
		if l.Rows[i].Profile.ID != again.Rows[i].Profile.ID {
			t.Fatalf("row %d: id %q then %q, want stable ids", i, l.Rows[i].Profile.ID, again.Rows[i].Profile.ID)
		}
	}
}

func TestReadListEncodings(t *testing.T) {
	for _, tc := range []struct {
		file  string
		enc   Encoding
		rows  int
		kind  matcher.Kind
		title string
	}{
		{"成果清单-gbk.csv", EncGB18030, 5, matcher.KindOffer, "一体化肿瘤诊疗芯片"},
		{"list-gbk-english-header.csv", EncGB18030, 3, matcher.KindOffer, "一体化肿瘤诊疗芯片"},
		{"需求清单-utf16le.csv", EncUTF16LE, 3, matcher.KindNeed, "活塞杆海边使用半年生锈"},
		{"需求清单-utf16be.csv", EncUTF16BE, 3, matcher.KindNeed, "活塞杆海边使用半年生锈"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			l := readFixture(t, tc.file)
			if l.Encoding != tc.enc || len(l.Rows) != tc.rows {
				t.Fatalf("encoding %s, %d rows; want %s, %d (problems %v)", l.Encoding, len(l.Rows), tc.enc, tc.rows, l.Problems)
			}
			if r := l.Rows[0].Profile; r.Kind != tc.kind || r.Title != tc.title || r.Lang != matcher.LangZH {
				t.Errorf("first row = %+v", r)
			}
		})
	}
}

func TestReadListRefusesBomb(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "lists", "bomb.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadList("bomb.xlsx", b, ListOptions{Now: now})
	var fe *FileError
	if !errors.As(err, &fe) || fe.Cause != FileUnreadable {
		t.Fatalf("err = %v, want an unreadable file", err)
	}
	if msg := fe.Message(matcher.LangZH); !strings.Contains(msg, "无法打开") {
		t.Errorf("message = %q", msg)
	}
}

func TestReadListNoHeaderSpeaksTheOrganizersLanguage(t *testing.T) {
	gbkGarbage := []byte("\xb3\xc9\xb9\xfb,\xff\xfe\xfd\n1,2\n")
	_, err := ReadList("x.csv", gbkGarbage, ListOptions{Now: now})
	var fe *FileError
	if !errors.As(err, &fe) || fe.Cause != FileNoHeader {
		t.Fatalf("err = %v", err)
	}
	for _, l := range []matcher.Lang{matcher.LangZH, matcher.LangEN} {
		if m := fe.Message(l); !utf8.ValidString(m) || m == "" {
			t.Errorf("%s: %q", l, m)
		}
	}
}

func TestReadListKinds(t *testing.T) {
	in := "编号,类型,名称,简介,单位\n" +
		"A1,成果,激光熔覆,活塞杆耐腐蚀熔覆,某研究所\n" +
		"A2,技术需求,焊接机器人,免编程焊缝跟踪,某公司\n" +
		"A3,合作,不知道,什么类型,某单位\n" +
		"p1,供给,与聊天 id 同名,导入的 id 带前缀,某大学\n"
	l, err := ReadList("list.csv", []byte(in), ListOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range l.Rows {
		got = append(got, r.Profile.ID+" "+string(r.Profile.Kind))
	}
	if diff := cmp.Diff([]string{"i.A1 offer", "i.A2 need", "i.p1 offer"}, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"第 4 行：看不出是成果还是需求（类型请写“成果”或“需求”，或把工作表命名为“成果”“需求”）（如“合作”）"}, l.Summary(matcher.LangZH)); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

func TestLineRanges(t *testing.T) {
	if got, rest := lineRanges([]int{3, 5, 7, 8, 9}, matcher.LangZH); got != "3、5、7–9" || rest != 0 {
		t.Errorf("got %q", got)
	}
}

func FuzzReadList(f *testing.F) {
	f.Add([]byte("序号,成果名称,简介\n1,a,b\n"))
	f.Add([]byte("\xff\xfe1\x00,\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ReadList("f.csv", b, ListOptions{Now: now})
		if err != nil {
			return
		}
		for _, s := range l.Summary(matcher.LangZH) {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %q", s)
			}
		}
		for _, r := range l.Rows {
			if !IsImportID(r.Profile.ID) {
				t.Fatalf("id %q", r.Profile.ID)
			}
		}
	})
}

func TestSummaryOfManyRows(t *testing.T) {
	l := &List{}
	for i := 1; i <= 30; i += 2 {
		l.Problems = append(l.Problems, Problem{Line: i, Cause: CauseNoTitle})
	}
	got := l.Summary(matcher.LangZH)[0]
	if got != "第 1、3、5、7、9、11、13、15、17、19、21、23 行等 15 行：缺少名称" {
		t.Errorf("zh: %q", got)
	}
	if got := l.Summary(matcher.LangEN)[0]; got != "rows 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, and 3 more: no title" {
		t.Errorf("en: %q", got)
	}
}

func TestReadListRowLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("名称,简介,类型\n")
	for range MaxListRows + headerScan + 1 {
		b.WriteString("a,b,成果\n")
	}
	_, err := ReadList("big.csv", []byte(b.String()), ListOptions{Now: now})
	var fe *FileError
	if !errors.As(err, &fe) || fe.Cause != FileTooManyRows || !strings.Contains(fe.Message(matcher.LangZH), "20000 行") {
		t.Errorf("err = %v", err)
	}
}
