package dataset

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/duijie/duijie/matcher"
)

// templateSheet is one sheet of the template: its header, each name
// followed by its English name in brackets (which ReadList ignores), and
// one example row.
type templateSheet struct {
	name    string
	header  []string
	example []any
}

var templateSheets = []templateSheet{
	{"成果 Offers",
		[]string{"序号（No.）", "成果名称（Title）", "成果简介（Description）", "所属单位（Organization）", "联系人（Contact）", "联系电话（Phone）", "邮箱（Email）", "所属领域（Field）", "成熟度（Maturity）", "合作方式（Cooperation）", "转让价格（Price）", "所在地（Region）"},
		[]any{1, "钢带表面缺陷视觉检测系统", "基于小样本学习的表面划痕、凹坑检测，漏检率低于0.5%，已在三条产线试用8个月。", "某大学机械学院", "王老师", "010-12345678", "wang@example.edu.cn", "人工智能；智能制造", "中试", "技术许可、合作开发", "面议", "北京"}},
	{"需求 Needs",
		[]string{"序号（No.）", "需求名称（Title）", "需求描述（Description）", "需求单位（Organization）", "联系人（Contact）", "联系电话（Phone）", "邮箱（Email）", "所属领域（Field）", "技术阶段（Maturity）", "合作方式（Cooperation）", "预算（Budget）", "所在地（Region）"},
		[]any{1, "活塞杆海边使用半年生锈", "液压油缸活塞杆在沿海环境半年即锈蚀，需要耐腐蚀涂层或熔覆工艺，年用量约2万根。", "某液压件有限公司", "陈经理", "0512-12345678", "chen@example.com", "先进制造", "中试", "合作开发", "100万元以内", "江苏苏州"}},
}

var templateNotes = [][]string{
	{"说明", "Notes"},
	{"每张工作表一类：工作表名含“成果”的是成果（供给），含“需求”的是需求。也可以在一张表里加“类型”列，写“成果”或“需求”。", "One kind per sheet: a sheet whose name contains 成果 (Offers) holds offers, 需求 (Needs) needs. Or add a 类型 (Kind) column saying 成果/offer or 需求/need."},
	{"表头在前 10 行内即可，上方可以有标题行；列的顺序随意。必填：名称、简介。", "The header may be anywhere in the first 10 rows, under a title row; columns in any order. Required: title and description."},
	{"序号只是行号，不作编号。需要固定编号时加“编号”列：同一编号再次导入会更新原条目。没有编号时，按清单名、类型、名称和单位识别。", "序号 (No.) is a row number, not an id. For fixed ids add an 编号 (ID) column: importing the same id again updates it. Without ids, rows are known by the list, kind, title and organization."},
	{"联系人、电话、邮箱只在双方都同意对接后才提供，不会公开展示。", "Contact, phone and email are given only after both sides agree to meet; they are never shown publicly."},
	{"成熟度可写 1–9 级，或“实验室/小试/中试/样机/试生产/产业化”。合作方式可写转让、许可、合作开发、技术咨询、作价入股。", "Maturity: a level 1–9, or a stage (lab, bench, pilot, prototype, pilot production, industrial). Cooperation: transfer, licence, joint R&D, consulting, equity."},
}

// Template returns an XLSX workbook organizers fill in: a sheet of offers
// and a sheet of needs, each with the header and an example row, and a
// sheet of notes in Chinese and English.
func Template() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range templateSheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return nil, err
		}
		if err := f.SetSheetRow(s.name, "A1", &s.header); err != nil {
			return nil, err
		}
		if err := f.SetSheetRow(s.name, "A2", &s.example); err != nil {
			return nil, err
		}
		f.SetColWidth(s.name, "B", "C", 40)
		f.SetColWidth(s.name, "D", "L", 16)
	}
	const notes = "说明 Notes"
	if _, err := f.NewSheet(notes); err != nil {
		return nil, err
	}
	rows := append(templateNotes[:len(templateNotes):len(templateNotes)], []string{Limits(matcher.LangZH), Limits(matcher.LangEN)})
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(notes, cell, &row); err != nil {
			return nil, err
		}
	}
	f.SetColWidth(notes, "A", "B", 70)
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, fmt.Errorf("write template: %w", err)
	}
	return b.Bytes(), nil
}
