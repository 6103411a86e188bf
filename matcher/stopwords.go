package matcher

import "strings"

// enStop holds stemmed English words that carry no technical meaning in a
// profile: grammar words and the boilerplate of offers and needs.
var enStop = setOf(strings.Fields(`
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers him his how i if in into is it its itself just me more most my no nor
not now of off on once only or other our ours out over own same she should so some such than that the
their them then there these they this those through to too under until up very was we were what when
where which while who whom why will with would you your yours per via etc e.g i.e vs
use used using make made get got need want wish seek look looking help able new high low good better
best one two three first second way ways thing lot lots kind year month day time times currently
company factory team lab university institute enterprise partner cooperation project product technology
technique solution system method approach based develop developed development provide offer support
work working result problem issue customer client requirement demand application apply achieve
`))

// zhStop holds Chinese bigrams that appear in every kind of profile.
var zhStop = setOf(strings.Fields(`
我们 我司 公司 企业 目前 现在 需要 希望 寻求 寻找 进行 可以 能够 已经 一个 一种 以及 通过 实现 提供
技术 系统 方法 研发 开发 合作 项目 产品 问题 应用 解决 相关 方面 主要 具有 采用 基于 用于 对于 其中 没有 如何 什么
这个 那个 这些 现有 达到 提高 降低 工作 研究 团队 大学 学院 有限 责任 单位 需求 成果 领域 行业 方案 服务 情况 效果
`))

func setOf(words []string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[stem(strings.ToLower(w))] = true
	}
	return m
}
