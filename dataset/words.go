package dataset

import (
	"fmt"

	"github.com/duijie/duijie/matcher"
)

// words are the messages this package writes for organizers, in Chinese
// and English.
var words = map[matcher.Lang]map[string]string{
	matcher.LangZH: {
		"file_too_big":         "文件超过 %d MB，请拆分后再发。",
		"file_too_many_rows":   "文件超过 %d 行，请拆分后再发。",
		"file_no_header":       "在前 %d 行里找不到表头：需要“成果名称/需求名称/名称”一列，以及“简介”“单位”等至少一列。可以发送 /template 获取模板。",
		"file_format":          "不支持这种文件（%s），请用 Excel（.xlsx）或 CSV。",
		"file_unreadable":      "无法打开这个 Excel 文件（文件损坏，或解压后过大）。",
		"rows":                 "第 %s 行",
		"row":                  "第 %s 行",
		"sheet_row":            "工作表“%s”第 %s 行",
		"sheet_rows":           "工作表“%s”第 %s 行",
		"more_rows":            "等 %[1]d 行",
		"colon":                "：",
		"sample":               "（如“%s”）",
		"cause_no_title":       "缺少名称",
		"cause_no_description": "缺少简介",
		"cause_no_kind":        "看不出是成果还是需求（类型请写“成果”或“需求”，或把工作表命名为“成果”“需求”）",
		"cause_too_long":       "%s过长",
		"field_title":          "名称",
		"field_description":    "简介",
		"field_org":            "单位",
		"field_region":         "地区",
		"cause_invalid":        "内容不合规",
		"cause_unreadable":     "无法读取这一行（引号不成对？）",
		"plan_counts":          "%s：新增 %d，更新 %d，其中 %d 条类型改变，%d 行有问题。",
		"plan_unchanged":       "另有 %d 条与已存的相同，不会改动。",
		"plan_sample":          "例如：",
		"plan_problems":        "有问题的行（不会导入）：",
		"plan_more_problems":   "……另有 %d 类问题",
		"plan_was":             "，类型将由%s改为%s",
		"plan_kind_warning":    "⚠️ 有 %d 条的类型会改变：请确认不是两张表用了相同的编号。",
		"plan_nothing":         "没有需要写入的内容。",
		"kind_offer":           "成果",
		"kind_need":            "需求",
		"quote":                "「%s」",
		"paren":                "（%s）",
		"limits":               "文件不超过 %d MB、%d 行。",
	},
	matcher.LangEN: {
		"file_too_big":         "The file is larger than %d MB; please split it.",
		"file_too_many_rows":   "The file has more than %d rows; please split it.",
		"file_no_header":       "No header in the first %d rows: a title column (成果名称/需求名称/title) and at least one more, such as a description or organization, are needed. /template sends a template.",
		"file_format":          "This kind of file (%s) cannot be read; please send Excel (.xlsx) or CSV.",
		"file_unreadable":      "This Excel file cannot be opened (damaged, or too large once unpacked).",
		"rows":                 "rows %s",
		"row":                  "row %s",
		"sheet_row":            "sheet “%s”, row %s",
		"sheet_rows":           "sheet “%s”, rows %s",
		"more_rows":            ", and %[2]d more",
		"colon":                ": ",
		"sample":               " (e.g. “%s”)",
		"cause_no_title":       "no title",
		"cause_no_description": "no description",
		"cause_no_kind":        "neither offer nor need (write 成果/offer or 需求/need in the kind column, or name the sheet so)",
		"cause_too_long":       "%s too long",
		"field_title":          "title",
		"field_description":    "description",
		"field_org":            "organization",
		"field_region":         "region",
		"cause_invalid":        "invalid",
		"cause_unreadable":     "the row cannot be read (an unclosed quote?)",
		"plan_counts":          "%s: %d new, %d updated, of which %d change kind; %d rows with problems.",
		"plan_unchanged":       " %d more are the same as stored and stay as they are.",
		"plan_sample":          "For example:",
		"plan_problems":        "Rows with problems (not imported):",
		"plan_more_problems":   "…and %d more kinds of problem",
		"plan_was":             ", from %s to %s",
		"plan_kind_warning":    "⚠️ %d profiles would change kind: check that two sheets do not share the same ids.",
		"plan_nothing":         "Nothing to write.",
		"kind_offer":           "offer",
		"kind_need":            "need",
		"quote":                " “%s”",
		"paren":                " (%s)",
		"limits":               "Files up to %d MB and %d rows.",
	},
}

// word formats a message in lang (English when lang is neither).
func word(lang matcher.Lang, key string, args ...any) string {
	m, ok := words[lang]
	if !ok {
		m = words[matcher.LangEN]
	}
	f, ok := m[key]
	if !ok {
		f = words[matcher.LangEN][key]
	}
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}
