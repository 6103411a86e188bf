package bot

import "testing"

func TestValidCard(t *testing.T) {
	for text, want := range map[string]bool{
		"+86 138 0013 8000":     true,
		"13800138000":           true,
		"微信号 zhang_factory88":   true,
		"wxid: lijun-tc":        true,
		"li.jun@example.edu.cn": true,
		"hello?":                false,
		"好的":                    false,
		"1234":                  false,
		"请联系我们的销售部门，电话在官网上可以找到，谢谢您的关注和支持，我们会尽快回复您的问题，如有需要也可以来厂里参观考察，欢迎各位专家老师莅临指导交流合作 13800138000": false,
	} {
		if got := validCard(text); got != want {
			t.Errorf("validCard(%q) = %v, want %v", text, got, want)
		}
	}
}
