package matcher

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestTaxonomyFiles checks the embedded vocabulary: it loads, every
// concept has usable terms in both languages, and no term is so generic
// that it would join unrelated profiles.
func TestTaxonomyFiles(t *testing.T) {
	tax, err := LoadTaxonomy(taxonomyFS, "taxonomy")
	if err != nil {
		t.Fatal(err)
	}
	if tax.Len() == 0 {
		t.Fatal("no concepts")
	}
	generic := map[string]bool{"system": true, "technology": true, "method": true, "cell": true, "model": true,
		"network": true, "membrane": true, "coating": true, "film": true, "vision": true, "platform": true}
	genericZH := map[string]bool{"系统": true, "技术": true, "检测": true, "模型": true, "数据": true, "设备": true, "材料": true, "方法": true, "平台": true, "网络": true, "细胞": true, "涂层": true}
	for _, c := range tax.concepts {
		if !strings.Contains(c.ID, ".") {
			t.Errorf("concept %q: id must be <domain>.<slug>", c.ID)
		}
		if strings.SplitN(c.ID, ".", 2)[0] != c.Domains[0] {
			t.Errorf("concept %q: primary domain %q does not match its id", c.ID, c.Domains[0])
		}
		for _, term := range c.EN {
			if generic[stem(term)] || generic[term] {
				t.Errorf("concept %q: English term %q is too generic", c.ID, term)
			}
		}
		for _, term := range c.ZH {
			if genericZH[term] {
				t.Errorf("concept %q: Chinese term %q is too generic", c.ID, term)
			}
			if allHan(term) && utf8.RuneCountInString(term) < 2 {
				t.Errorf("concept %q: Chinese term %q is shorter than 2 characters", c.ID, term)
			}
		}
	}
}
