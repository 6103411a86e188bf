package matcher

import (
	"strings"
)

// Province is a Chinese provincial-level division with its major cities.
// Regions are compared at province level: same city, same province,
// neighbouring or elsewhere.
type Province struct {
	EN, ZH string
	Cities [][2]string // {English, Chinese}
}

// provinces lists mainland provinces, municipalities and regions, plus
// Hong Kong, Macao and Taiwan, with the cities that host most docking events.
var provinces = []Province{
	{"Beijing", "北京", nil},
	{"Shanghai", "上海", nil},
	{"Tianjin", "天津", nil},
	{"Chongqing", "重庆", nil},
	{"Hebei", "河北", [][2]string{{"Shijiazhuang", "石家庄"}, {"Tangshan", "唐山"}, {"Baoding", "保定"}}},
	{"Shanxi", "山西", [][2]string{{"Taiyuan", "太原"}, {"Datong", "大同"}}},
	{"Inner Mongolia", "内蒙古", [][2]string{{"Hohhot", "呼和浩特"}, {"Baotou", "包头"}, {"Ordos", "鄂尔多斯"}}},
	{"Liaoning", "辽宁", [][2]string{{"Shenyang", "沈阳"}, {"Dalian", "大连"}, {"Anshan", "鞍山"}}},
	{"Jilin", "吉林", [][2]string{{"Changchun", "长春"}}},
	{"Heilongjiang", "黑龙江", [][2]string{{"Harbin", "哈尔滨"}, {"Daqing", "大庆"}}},
	{"Jiangsu", "江苏", [][2]string{{"Nanjing", "南京"}, {"Suzhou", "苏州"}, {"Wuxi", "无锡"}, {"Changzhou", "常州"}, {"Nantong", "南通"}, {"Xuzhou", "徐州"}, {"Yangzhou", "扬州"}, {"Zhenjiang", "镇江"}, {"Taizhou", "泰州"}, {"Yancheng", "盐城"}, {"Lianyungang", "连云港"}}},
	{"Zhejiang", "浙江", [][2]string{{"Hangzhou", "杭州"}, {"Ningbo", "宁波"}, {"Wenzhou", "温州"}, {"Shaoxing", "绍兴"}, {"Jiaxing", "嘉兴"}, {"Huzhou", "湖州"}, {"Jinhua", "金华"}, {"Yiwu", "义乌"}, {"Taizhou", "台州"}}},
	{"Anhui", "安徽", [][2]string{{"Hefei", "合肥"}, {"Wuhu", "芜湖"}}},
	{"Fujian", "福建", [][2]string{{"Fuzhou", "福州"}, {"Xiamen", "厦门"}, {"Quanzhou", "泉州"}}},
	{"Jiangxi", "江西", [][2]string{{"Nanchang", "南昌"}, {"Ganzhou", "赣州"}}},
	{"Shandong", "山东", [][2]string{{"Jinan", "济南"}, {"Qingdao", "青岛"}, {"Yantai", "烟台"}, {"Weifang", "潍坊"}, {"Zibo", "淄博"}, {"Weihai", "威海"}}},
	{"Henan", "河南", [][2]string{{"Zhengzhou", "郑州"}, {"Luoyang", "洛阳"}}},
	{"Hubei", "湖北", [][2]string{{"Wuhan", "武汉"}, {"Xiangyang", "襄阳"}, {"Yichang", "宜昌"}}},
	{"Hunan", "湖南", [][2]string{{"Changsha", "长沙"}, {"Zhuzhou", "株洲"}, {"Xiangtan", "湘潭"}}},
	{"Guangdong", "广东", [][2]string{{"Guangzhou", "广州"}, {"Shenzhen", "深圳"}, {"Dongguan", "东莞"}, {"Foshan", "佛山"}, {"Zhuhai", "珠海"}, {"Huizhou", "惠州"}, {"Zhongshan", "中山"}, {"Shantou", "汕头"}}},
	{"Guangxi", "广西", [][2]string{{"Nanning", "南宁"}, {"Liuzhou", "柳州"}, {"Guilin", "桂林"}}},
	{"Hainan", "海南", [][2]string{{"Haikou", "海口"}, {"Sanya", "三亚"}}},
	{"Sichuan", "四川", [][2]string{{"Chengdu", "成都"}, {"Mianyang", "绵阳"}, {"Yibin", "宜宾"}}},
	{"Guizhou", "贵州", [][2]string{{"Guiyang", "贵阳"}}},
	{"Yunnan", "云南", [][2]string{{"Kunming", "昆明"}}},
	{"Tibet", "西藏", [][2]string{{"Lhasa", "拉萨"}}},
	{"Shaanxi", "陕西", [][2]string{{"Xi'an", "西安"}, {"Xian", "西安"}, {"Baoji", "宝鸡"}}},
	{"Gansu", "甘肃", [][2]string{{"Lanzhou", "兰州"}}},
	{"Qinghai", "青海", [][2]string{{"Xining", "西宁"}}},
	{"Ningxia", "宁夏", [][2]string{{"Yinchuan", "银川"}}},
	{"Xinjiang", "新疆", [][2]string{{"Urumqi", "乌鲁木齐"}}},
	{"Hong Kong", "香港", nil},
	{"Macao", "澳门", nil},
	{"Taiwan", "台湾", nil},
}

// neighbours lists provinces that share a border or an economic zone
// (Yangtze River Delta, Greater Bay Area, Beijing–Tianjin–Hebei, Chengdu–Chongqing).
var neighbours = map[string][]string{
	"Shanghai":  {"Jiangsu", "Zhejiang", "Anhui"},
	"Jiangsu":   {"Shanghai", "Zhejiang", "Anhui", "Shandong"},
	"Zhejiang":  {"Shanghai", "Jiangsu", "Anhui", "Fujian", "Jiangxi"},
	"Anhui":     {"Shanghai", "Jiangsu", "Zhejiang", "Henan", "Hubei", "Jiangxi"},
	"Beijing":   {"Tianjin", "Hebei"},
	"Tianjin":   {"Beijing", "Hebei"},
	"Hebei":     {"Beijing", "Tianjin", "Shandong", "Shanxi", "Henan", "Liaoning"},
	"Guangdong": {"Hong Kong", "Macao", "Guangxi", "Fujian", "Hunan", "Jiangxi", "Hainan"},
	"Hong Kong": {"Guangdong", "Macao"},
	"Macao":     {"Guangdong", "Hong Kong"},
	"Sichuan":   {"Chongqing", "Shaanxi", "Yunnan", "Guizhou"},
	"Chongqing": {"Sichuan", "Guizhou", "Hubei", "Hunan", "Shaanxi"},
	"Shandong":  {"Jiangsu", "Hebei", "Henan"},
	"Hubei":     {"Hunan", "Henan", "Anhui", "Jiangxi", "Chongqing", "Shaanxi"},
	"Hunan":     {"Hubei", "Jiangxi", "Guangdong", "Guangxi", "Guizhou", "Chongqing"},
	"Fujian":    {"Zhejiang", "Jiangxi", "Guangdong"},
}

// Place is a location found in text: a province and, if known, a city.
type Place struct {
	Province string // English name
	City     string // English name, may be empty
}

// Label returns the place in lang, e.g. "Suzhou, Jiangsu" or "江苏苏州".
func (p Place) Label(lang Lang) string {
	prov := provinceByEN(p.Province)
	if prov == nil {
		return ""
	}
	if lang == LangZH {
		for _, c := range prov.Cities {
			if c[0] == p.City {
				return prov.ZH + c[1]
			}
		}
		return prov.ZH
	}
	if p.City != "" {
		return p.City + ", " + prov.EN
	}
	return prov.EN
}

func provinceByEN(name string) *Province {
	for i := range provinces {
		if provinces[i].EN == name {
			return &provinces[i]
		}
	}
	return nil
}

// FindPlace returns the first province or city named in text, in English
// or Chinese. A city implies its province.
func FindPlace(text string) (Place, bool) {
	best, bestAt := Place{}, -1
	lower := strings.ToLower(text)
	consider := func(at int, p Place) {
		if at >= 0 && (bestAt < 0 || at < bestAt) {
			best, bestAt = p, at
		}
	}
	for _, prov := range provinces {
		consider(indexWord(lower, strings.ToLower(prov.EN)), Place{Province: prov.EN})
		consider(strings.Index(text, prov.ZH), Place{Province: prov.EN})
		for _, c := range prov.Cities {
			consider(indexWord(lower, strings.ToLower(c[0])), Place{Province: prov.EN, City: c[0]})
			consider(strings.Index(text, c[1]), Place{Province: prov.EN, City: c[0]})
		}
	}
	// Prefer a city over its own province when both are named ("Suzhou, Jiangsu").
	if bestAt >= 0 && best.City == "" {
		for _, prov := range provinces {
			if prov.EN != best.Province {
				continue
			}
			for _, c := range prov.Cities {
				if indexWord(lower, strings.ToLower(c[0])) >= 0 || strings.Contains(text, c[1]) {
					best.City = c[0]
					break
				}
			}
		}
	}
	return best, bestAt >= 0
}

// indexWord finds needle in s at word boundaries (ASCII letters).
func indexWord(s, needle string) int {
	for from := 0; ; {
		i := strings.Index(s[from:], needle)
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(needle)
		if (i == 0 || !isLetter(s[i-1])) && (end == len(s) || !isLetter(s[end])) {
			return i
		}
		from = i + 1
	}
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// RegionFit says how close two places are.
type RegionFit int

const (
	RegionUnknown RegionFit = iota // one side gave no place
	RegionFar
	RegionNear // neighbouring provinces or one economic zone
	RegionSame // same province
)

// CompareRegions compares two free-text regions.
func CompareRegions(a, b string) (RegionFit, Place, Place) {
	pa, oka := FindPlace(a)
	pb, okb := FindPlace(b)
	if !oka || !okb {
		return RegionUnknown, pa, pb
	}
	return comparePlaces(pa, pb), pa, pb
}

func comparePlaces(a, b Place) RegionFit {
	return provinceFit(provinceIndex(a.Province), provinceIndex(b.Province))
}

// provinceIndex is the position of a province (by English name) in
// provinces, or -1.
func provinceIndex(name string) int {
	for i := range provinces {
		if provinces[i].EN == name {
			return i
		}
	}
	return -1
}

// provinceFits holds the fit of every pair of provinces, by index.
var provinceFits = func() [][]RegionFit {
	fits := make([][]RegionFit, len(provinces))
	for i := range provinces {
		fits[i] = make([]RegionFit, len(provinces))
		for j := range provinces {
			fits[i][j] = RegionFar
			if i == j {
				fits[i][j] = RegionSame
			}
		}
		for _, n := range neighbours[provinces[i].EN] {
			if j := provinceIndex(n); j >= 0 {
				fits[i][j] = RegionNear
			}
		}
	}
	return fits
}()

func provinceFit(a, b int) RegionFit {
	if a < 0 || b < 0 {
		return RegionUnknown
	}
	return provinceFits[a][b]
}
