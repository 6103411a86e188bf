package synth

// The vocabulary the generator writes with, apart from the taxonomy's
// terms. Each list is in one language; a profile uses the lists of its own.

// place is a city with its province, in both languages. Region fields are
// written in English ("City, Province"), as organizers' lists give them.
type place struct {
	city, province, cityZH, provinceZH string
}

var places = []place{
	{"Beijing", "", "北京", ""},
	{"Shanghai", "", "上海", ""},
	{"Tianjin", "", "天津", ""},
	{"Chongqing", "", "重庆", ""},
	{"Suzhou", "Jiangsu", "苏州", "江苏"},
	{"Nanjing", "Jiangsu", "南京", "江苏"},
	{"Wuxi", "Jiangsu", "无锡", "江苏"},
	{"Changzhou", "Jiangsu", "常州", "江苏"},
	{"Hangzhou", "Zhejiang", "杭州", "浙江"},
	{"Ningbo", "Zhejiang", "宁波", "浙江"},
	{"Wenzhou", "Zhejiang", "温州", "浙江"},
	{"Hefei", "Anhui", "合肥", "安徽"},
	{"Xiamen", "Fujian", "厦门", "福建"},
	{"Fuzhou", "Fujian", "福州", "福建"},
	{"Jinan", "Shandong", "济南", "山东"},
	{"Qingdao", "Shandong", "青岛", "山东"},
	{"Yantai", "Shandong", "烟台", "山东"},
	{"Zhengzhou", "Henan", "郑州", "河南"},
	{"Wuhan", "Hubei", "武汉", "湖北"},
	{"Changsha", "Hunan", "长沙", "湖南"},
	{"Guangzhou", "Guangdong", "广州", "广东"},
	{"Shenzhen", "Guangdong", "深圳", "广东"},
	{"Dongguan", "Guangdong", "东莞", "广东"},
	{"Foshan", "Guangdong", "佛山", "广东"},
	{"Chengdu", "Sichuan", "成都", "四川"},
	{"Mianyang", "Sichuan", "绵阳", "四川"},
	{"Xi'an", "Shaanxi", "西安", "陕西"},
	{"Shenyang", "Liaoning", "沈阳", "辽宁"},
	{"Dalian", "Liaoning", "大连", "辽宁"},
	{"Harbin", "Heilongjiang", "哈尔滨", "黑龙江"},
	{"Changchun", "Jilin", "长春", "吉林"},
	{"Kunming", "Yunnan", "昆明", "云南"},
	{"Nanning", "Guangxi", "南宁", "广西"},
	{"Lanzhou", "Gansu", "兰州", "甘肃"},
	{"Taiyuan", "Shanxi", "太原", "山西"},
	{"Shijiazhuang", "Hebei", "石家庄", "河北"},
	{"Nanchang", "Jiangxi", "南昌", "江西"},
	{"Guiyang", "Guizhou", "贵阳", "贵州"},
}

// Organisation names.
var (
	brandsEN = []string{"Hengda", "Xinyuan", "Huatai", "Jinlong", "Tianrun", "Zhongke", "Ruifeng", "Yongxin",
		"Dongfang", "Haina", "Boyuan", "Kaida", "Shengshi", "Lianfa", "Mingyang", "Hongxing", "Anke", "Jiahe",
		"Runze", "Weilong", "Guotai", "Sanhe", "Baoli", "Chenguang"}
	brandsZH = []string{"恒达", "鑫源", "华泰", "金龙", "天润", "中科", "瑞丰", "永信", "东方", "海纳", "博远", "凯达",
		"盛世", "联发", "明阳", "红星", "安科", "嘉禾", "润泽", "伟隆", "国泰", "三和", "宝利", "晨光"}
	industriesEN = []string{"Precision Machinery", "Auto Parts", "Textile", "Chemical", "Food", "Electronics",
		"New Materials", "Pharmaceutical", "Building Materials", "Packaging", "Shipbuilding", "Agricultural",
		"Mining Equipment", "Energy Technology", "Environmental Technology", "Medical Devices", "Logistics"}
	industriesZH = []string{"精密机械", "汽车零部件", "纺织", "化工", "食品", "电子", "新材料", "制药", "建材", "包装",
		"船舶", "农业科技", "矿山装备", "能源科技", "环保科技", "医疗器械", "物流"}
	fieldsEN = []string{"Automation", "Materials Science", "Mechanical Engineering", "Chemical Engineering",
		"Electronic Engineering", "Life Sciences", "Environmental Science", "Energy and Power", "Computer Science",
		"Agricultural Engineering", "Marine Engineering", "Civil Engineering", "Optics", "Food Science"}
	fieldsZH = []string{"自动化", "材料科学", "机械工程", "化学工程", "电子工程", "生命科学", "环境科学", "能源与动力",
		"计算机科学", "农业工程", "海洋工程", "土木工程", "光学", "食品科学"}
)

// Things enterprises make or run, for sentences about a line or a plant.
var (
	productsEN = []string{"die-cast housings", "stamped brackets", "injection-moulded covers", "gear shafts",
		"hydraulic valves", "water pumps", "electric motors", "lithium battery packs", "solar modules",
		"glass fibre fabric", "polyester yarn", "denim", "ceramic tiles", "ready-mix concrete", "steel pipes",
		"aluminium profiles", "copper foil", "printed circuit boards", "LED lamps", "optical lenses",
		"frozen dumplings", "dairy products", "tea", "animal feed", "fertilizer", "pesticides", "paint",
		"adhesives", "rubber hoses", "tyres", "cable harnesses", "wind turbine blades", "boilers", "compressors",
		"bearings", "cutting tools", "valves for pipelines", "medical catheters", "surgical masks",
		"pharmaceutical tablets", "vaccines", "paper cartons", "plastic film", "corrugated board", "wood panels",
		"furniture", "shoes", "garments", "seafood", "fruit juice", "rice", "eggs", "pork", "drones", "sensors",
		"smart meters", "routers", "robot arms", "forklifts", "electric buses", "ship hulls", "offshore platforms"}
	productsZH = []string{"压铸壳体", "冲压支架", "注塑外壳", "齿轮轴", "液压阀", "水泵", "电机", "锂电池包", "光伏组件",
		"玻纤布", "涤纶丝", "牛仔布", "瓷砖", "商品混凝土", "钢管", "铝型材", "铜箔", "印制电路板", "LED灯具", "光学镜片",
		"速冻水饺", "乳制品", "茶叶", "饲料", "化肥", "农药", "涂料", "胶粘剂", "橡胶管", "轮胎", "线束", "风电叶片",
		"锅炉", "压缩机", "轴承", "刀具", "管道阀门", "医用导管", "口罩", "药片", "疫苗", "纸箱", "塑料薄膜", "瓦楞纸板",
		"人造板", "家具", "鞋", "服装", "水产品", "果汁", "大米", "鸡蛋", "猪肉", "无人机", "传感器", "智能电表",
		"路由器", "机械臂", "叉车", "电动客车", "船体", "海上平台"}
)

// Sentence parts.
var (
	consequencesEN = []string{"the scrap rate is above 5%", "customers keep complaining about quality",
		"energy costs keep rising", "we lose dozens of hours of production every month",
		"manual work is slow and expensive", "we failed an environmental inspection last year",
		"our largest customer asked us to fix it before the next contract", "young workers do not want this job",
		"the line cannot run at full speed", "warranty claims are growing", "our competitors already solved it",
		"it limits our export orders"}
	consequencesZH = []string{"废品率超过5%", "客户投诉不断", "能耗成本持续上升", "每月损失大量生产时间", "人工成本高、效率低",
		"去年环保检查没有通过", "大客户要求在下次合同前解决", "年轻工人不愿意干", "产线无法满负荷运行", "售后索赔越来越多",
		"同行已经解决了这个问题", "影响出口订单"}
	failuresEN = []string{"it was too expensive to run", "the results were not stable", "nobody here could maintain it",
		"it did not fit our existing equipment", "the supplier went out of business", "accuracy was too low"}
	failuresZH = []string{"运行成本太高", "效果不稳定", "没人会维护", "和现有设备不匹配", "供应商倒闭了", "精度达不到要求"}
	benefitsEN = []string{"cuts energy use by a third", "runs on low-cost hardware", "needs no expert operator",
		"works in dusty and humid workshops", "doubles the throughput of a standard line",
		"reduces material cost", "extends service life several times", "meets the national emission standard",
		"can be retrofitted to existing lines", "is easy to scale up"}
	benefitsZH = []string{"能耗降低三分之一", "硬件成本低", "不需要专家操作", "适应粉尘和潮湿车间", "产线效率翻倍", "降低材料成本",
		"使用寿命提高数倍", "满足国家排放标准", "可在现有产线上改造", "易于放大生产"}
	metricsEN = []string{"accuracy", "yield", "efficiency", "recall", "conversion rate", "removal rate",
		"energy saving", "strength retention", "purity", "uptime"}
	metricsZH = []string{"准确率", "良品率", "效率", "检出率", "转化率", "去除率", "节能率", "强度保持率", "纯度", "开机率"}
	stagesEN  = map[int][]string{
		1: {"This is basic research so far."},
		2: {"The concept has been shown in theory and simulation."},
		3: {"The principle has been proven in the lab."},
		4: {"It has been validated at lab scale.", "Bench-scale tests are complete."},
		5: {"A prototype has been built and tested.", "We have a working prototype."},
		6: {"A pilot line has been running for six months.", "Pilot-scale tests are complete."},
		7: {"It has been deployed at two customer sites.", "A demonstration line is in operation."},
		8: {"The system is qualified and ready for production."},
		9: {"It is in mass production and on the market."},
	}
	stagesZH = map[int][]string{
		1: {"目前处于基础研究阶段。"},
		2: {"已完成理论研究和仿真验证。"},
		3: {"已在实验室验证原理。"},
		4: {"已完成小试，处于实验室验证阶段。"},
		5: {"已研制出样机并完成测试。", "已有原型机。"},
		6: {"已完成中试，中试线运行半年。"},
		7: {"已在两家企业示范应用。", "示范线已投入使用。"},
		8: {"系统已通过鉴定，具备量产条件。"},
		9: {"已实现批量生产并推向市场。"},
	}
	fillersEN = []string{
		"The company was founded in the early 2000s and exports to more than ten countries.",
		"Our engineers have little experience with this kind of technology.",
		"Local government subsidies may cover part of the cost.",
		"We can provide samples, historical data and access to the production line.",
		"The team includes three professors and a dozen graduate students.",
		"Results have been published in peer-reviewed journals.",
		"We would like to start with a small trial before a full rollout.",
		"The plant runs three shifts, seven days a week.",
		"Operators have only basic training.",
		"Any solution must comply with national safety standards.",
		"The work can be done on site or in the lab.",
		"Key equipment was imported and is more than ten years old.",
		"We also welcome suggestions from experts in related fields.",
		"The lab is equipped with testing and analysis instruments.",
		"The method has been verified with several industrial partners.",
	}
	fillersZH = []string{
		"公司成立于本世纪初，产品出口十多个国家。",
		"我们的技术人员缺乏这方面经验。",
		"地方政府补贴可以承担部分费用。",
		"可以提供样品、历史数据和现场条件。",
		"团队有三名教授和十余名研究生。",
		"相关成果已在核心期刊发表。",
		"希望先小规模试用再全面推广。",
		"工厂三班倒，全年连续生产。",
		"操作工只接受过基础培训。",
		"方案须符合国家安全标准。",
		"可以在现场或实验室开展工作。",
		"关键设备是进口的，已使用十年以上。",
		"也欢迎相关领域专家提出建议。",
		"实验室配备齐全的检测分析仪器。",
		"该方法已在多家合作企业得到验证。",
	}
)

// Cooperation modes as sentences say them.
var (
	modeEN = map[string]string{"license": "a technology licence", "transfer": "a patent transfer",
		"joint_rd": "joint development", "consulting": "technical consulting", "equity": "an equity investment"}
	modeZH = map[string]string{"license": "技术许可", "transfer": "专利转让", "joint_rd": "联合研发",
		"consulting": "技术咨询", "equity": "作价入股"}
)
