package dataset

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// The organizer lists under testdata/lists are written by this file:
//
//	go test ./dataset -run TestGenerateLists -gen
var gen = flag.Bool("gen", false, "write the organizer lists under testdata/lists")

// Rows of the fixture lists, as organizers write them.
var (
	fixtureOffers = [][]string{
		// 成果名称, 成果简介, 所属单位, 联系人, 联系电话, 邮箱, 所属领域, 成熟度, 合作方式, 转让价格, 所在地
		{"一体化肿瘤诊疗芯片", "集成微流控检测与靶向给药的芯片，可在术中快速判断肿瘤边界，已完成动物实验。", "华东理工大学", "王老师", "021-64250000", "wang@example.edu.cn", "生物医药", "中试", "技术转让、许可", "面议", "上海"},
		{"PHA 生物可降解材料合成技术", "以餐厨废油为原料发酵合成聚羟基脂肪酸酯（PHA），成本较传统工艺降低约30%。", "清华大学", "李工", "010-62780000", "li@example.edu.cn", "新材料", "小批量试生产", "合作开发", "500万元", "北京"},
		{"氢燃料电池双极板激光焊接工艺", "金属双极板激光焊接与密封一体化工艺，焊缝气密性达到车用标准。", "哈尔滨工业大学", "张教授", "13900000001", "", "新能源", "TRL 6", "许可", "", "哈尔滨"},
		{"钢带表面缺陷视觉检测系统", "基于小样本学习的表面划痕、凹坑检测，漏检率低于0.5%，已在三条产线试用。", "哈尔滨工业大学", "", "", "vision@example.edu.cn", "人工智能", "已产业化", "技术转让", "200万元", "哈尔滨"},
		{"农业废弃物制备生物炭", "秸秆低温热解制备生物炭，用于土壤改良与重金属钝化。", "西北农林科技大学", "赵老师", "029-87080000", "", "农业", "实验室阶段", "技术咨询", "", "杨凌"},
		{"缺简介的成果", "", "某大学", "", "", "", "", "", "", "", ""},
	}
	fixtureNeeds = [][]string{
		// 需求名称, 需求描述, 需求单位, 联系人, 联系电话, 邮箱, 所属领域, 技术阶段, 合作方式, 预算, 所在地
		{"活塞杆海边使用半年生锈", "液压油缸活塞杆在沿海环境半年即锈蚀，需要耐腐蚀涂层或熔覆工艺。", "江苏某液压件公司", "陈经理", "0512-66000000", "chen@example.com", "先进制造", "", "合作开发", "100万元以内", "苏州"},
		{"小批量钢结构焊接招不到焊工", "希望用免编程的焊缝跟踪机器人替代人工焊接，单件小批量。", "浙江某钢结构公司", "周总", "13800000002", "", "智能制造", "", "技术转让", "50万元", "宁波"},
		{"餐厨废油高值化利用", "每年产生餐厨废油约5000吨，寻求高值化利用路线。", "某环保科技公司", "吴经理", "", "wu@example.com", "环保", "", "合作开发", "面议", "杭州"},
		{"", "没有名称的需求", "某公司", "", "", "", "", "", "", "", ""},
	}
)

func TestGenerateLists(t *testing.T) {
	if !*gen {
		t.Skip("run with -gen to write the lists")
	}
	dir := filepath.Join("testdata", "lists")
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("成果需求汇总.xlsx", twoSheetWorkbook(t, fixtureOffers, fixtureNeeds))
	offerHead := "序号,成果名称,成果简介,所属单位,联系人,联系电话,邮箱,所属领域,成熟度,合作方式,转让价格,所在地"
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(csvText("2026年千校万企成果清单", offerHead, fixtureOffers)))
	if err != nil {
		t.Fatal(err)
	}
	write("成果清单-gbk.csv", gbk)
	enHead := "No.,Title,Description,Organization,Contact,Phone,Email,Field,Maturity,Cooperation,Price,Region,Kind"
	var enRows [][]string
	for _, r := range fixtureOffers[:3] {
		enRows = append(enRows, append(append([]string{}, r...), "offer"))
	}
	gbkEN, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(csvText("", enHead, enRows)))
	if err != nil {
		t.Fatal(err)
	}
	write("list-gbk-english-header.csv", gbkEN)
	needHead := "序号\t需求名称\t需求描述\t需求单位\t联系人\t联系电话\t邮箱\t所属领域\t技术阶段\t合作方式\t预算\t所在地"
	tsv := needHead + "\r\n"
	for i, r := range fixtureNeeds {
		tsv += fmt.Sprint(i+1) + "\t" + strings.Join(r, "\t") + "\r\n"
	}
	le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(tsv))
	write("需求清单-utf16le.csv", le)
	be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(tsv))
	write("需求清单-utf16be.csv", be)
	write("bomb.xlsx", zipBomb(t))
}

func csvText(title, head string, rows [][]string) string {
	var b strings.Builder
	if title != "" {
		b.WriteString(title + ",,,,\r\n")
	}
	b.WriteString(head + "\r\n")
	for i, r := range rows {
		b.WriteString(fmt.Sprint(i + 1))
		for _, c := range r {
			b.WriteString(",")
			if strings.ContainsAny(c, ",\"") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			b.WriteString(c)
		}
		b.WriteString("\r\n")
	}
	return b.String()
}

// twoSheetWorkbook is a conference's workbook: sheets 成果 and 需求 whose
// 序号 both start at 1, each under a merged title row, with one
// organization merged down two rows.
func twoSheetWorkbook(t testing.TB, offers, needs [][]string) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sheets := []struct {
		name, title string
		head        []string
		rows        [][]string
	}{
		{"成果", "2026年千校万企对接会成果汇总表", []string{"序号", "成果名称", "成果简介", "所属单位", "联系人", "联系电话", "邮箱", "所属领域", "成熟度", "合作方式", "转让价格", "所在地"}, offers},
		{"需求", "2026年千校万企对接会需求汇总表", []string{"序号", "需求名称", "需求描述", "需求单位", "联系人", "联系电话", "邮箱", "所属领域", "技术阶段", "合作方式", "预算", "所在地"}, needs},
	}
	for i, s := range sheets {
		if i == 0 {
			f.SetSheetName("Sheet1", s.name)
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		f.SetCellValue(s.name, "A1", s.title)
		f.MergeCell(s.name, "A1", "L1")
		f.SetSheetRow(s.name, "A2", &s.head)
		for j, r := range s.rows {
			cells := []any{j + 1}
			for _, c := range r {
				cells = append(cells, c)
			}
			cell, _ := excelize.CoordinatesToCellName(1, j+3)
			f.SetSheetRow(s.name, cell, &cells)
		}
	}
	// 哈尔滨工业大学 holds rows 5 and 6 of 成果 (offers 3 and 4) in one merged cell.
	f.SetCellValue("成果", "D6", "")
	f.MergeCell("成果", "D5", "D6")
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipBomb is a workbook whose one sheet unpacks to 300 MB of XML.
func zipBomb(t testing.TB) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	files := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="成果" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} {
		w, _ := z.Create(name)
		w.Write([]byte(files[name]))
	}
	w, _ := z.CreateHeader(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate})
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`))
	pad := bytes.Repeat([]byte("<!-- bomb -->"), 1<<16)
	for n := 0; n < 300<<20; n += len(pad) {
		w.Write(pad)
	}
	w.Write([]byte(`</sheetData></worksheet>`))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// conferenceRows makes n rows of a conference's list from the fixture
// rows, each title numbered so that every row is its own; the bad rows
// of the fixture come once.
func conferenceRows(base [][]string, n int) [][]string {
	out := make([][]string, n)
	for i, k := 0, 0; i < n; k++ {
		r := append([]string(nil), base[k%len(base)]...)
		if k >= len(base) && (r[0] == "" || r[1] == "") {
			continue
		}
		if r[0] != "" {
			r[0] = fmt.Sprintf("%s（%d）", r[0], i+1)
		}
		out[i] = r
		i++
	}
	return out
}
