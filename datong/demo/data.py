"""Word lists for the demo data. Every institution, company and person here is fictional."""

# The tables below hold Chinese text, which line-length checks count twice as wide.
# ruff: noqa: E501

from __future__ import annotations

from typing import NamedTuple


def _table(text: str) -> list[list[str]]:
    """Rows of a ``|``-separated table, one row a line, cells stripped."""
    return [[cell.strip() for cell in line.split("|")] for line in text.strip().splitlines()]


def _keys(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _items(text: str) -> list[list[str]]:
    """``"瀚海 Hanhai, 睿芯 Ruixin"`` → ``[["瀚海", "Hanhai"], ["睿芯", "Ruixin"]]``."""
    return [item.split() for item in text.replace("\n", " ").split(",") if item.strip()]


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((first, second) for first, second in _items(text))


class City(NamedTuple):
    province: str  # GB/T 2260 code of the province
    full: str  # 北京市
    short: str  # 北京, as a company-name prefix
    en: str
    area_code: str
    digits: int  # digits of a local landline number
    districts: tuple[tuple[str, str], ...]  # (district, GB/T 2260 code)


# key | province | city | short | English | area code | digits | districts with their codes
_CITY_TABLE = """
beijing | 110000 | 北京市 | 北京 | Beijing | 010 | 8 | 海淀区 110108, 朝阳区 110105, 昌平区 110114, 丰台区 110106, 西城区 110102, 东城区 110101, 大兴区 110115, 顺义区 110113, 通州区 110112, 房山区 110111
tianjin | 120000 | 天津市 | 天津 | Tianjin | 022 | 8 | 南开区 120104, 西青区 120111, 滨海新区 120116
shijiazhuang | 130000 | 石家庄市 | 石家庄 | Shijiazhuang | 0311 | 8 | 裕华区 130108, 长安区 130102
baoding | 130000 | 保定市 | 保定 | Baoding | 0312 | 7 | 竞秀区 130602, 莲池区 130606
taiyuan | 140000 | 太原市 | 太原 | Taiyuan | 0351 | 7 | 小店区 140105, 万柏林区 140109
shenyang | 210000 | 沈阳市 | 沈阳 | Shenyang | 024 | 8 | 浑南区 210112
shanghai | 310000 | 上海市 | 上海 | Shanghai | 021 | 8 | 浦东新区 310115, 杨浦区 310110, 闵行区 310112
nanjing | 320000 | 南京市 | 南京 | Nanjing | 025 | 8 | 玄武区 320102, 江宁区 320115
suzhou | 320000 | 苏州市 | 苏州 | Suzhou | 0512 | 8 | 虎丘区 320505, 吴中区 320506
hangzhou | 330000 | 杭州市 | 杭州 | Hangzhou | 0571 | 8 | 西湖区 330106, 滨江区 330108
hefei | 340000 | 合肥市 | 合肥 | Hefei | 0551 | 8 | 蜀山区 340104, 包河区 340111
jinan | 370000 | 济南市 | 济南 | Jinan | 0531 | 8 | 历下区 370102, 历城区 370112
qingdao | 370000 | 青岛市 | 青岛 | Qingdao | 0532 | 8 | 崂山区 370212, 市南区 370202
zhengzhou | 410000 | 郑州市 | 郑州 | Zhengzhou | 0371 | 8 | 金水区 410105
wuhan | 420000 | 武汉市 | 武汉 | Wuhan | 027 | 8 | 洪山区 420111, 江夏区 420115
changsha | 430000 | 长沙市 | 长沙 | Changsha | 0731 | 8 | 岳麓区 430104
guangzhou | 440000 | 广州市 | 广州 | Guangzhou | 020 | 8 | 天河区 440106, 黄埔区 440112
shenzhen | 440000 | 深圳市 | 深圳 | Shenzhen | 0755 | 8 | 南山区 440305, 福田区 440304
chongqing | 500000 | 重庆市 | 重庆 | Chongqing | 023 | 8 | 沙坪坝区 500106
chengdu | 510000 | 成都市 | 成都 | Chengdu | 028 | 8 | 武侯区 510107, 双流区 510116
xian | 610000 | 西安市 | 西安 | Xi'an | 029 | 8 | 雁塔区 610113, 长安区 610116
"""
CITIES: dict[str, City] = {
    key: City(province, full, short, en, area, int(digits), _pairs(districts))
    for key, province, full, short, en, area, digits, districts in _table(_CITY_TABLE)
}


#: Where the demo's companies and service providers sit, with weights (mostly Beijing).
COMPANY_CITIES: tuple[tuple[str, int], ...] = (
    ("beijing", 45),
    ("tianjin", 6),
    ("shijiazhuang", 3),
    ("baoding", 2),
    ("taiyuan", 1),
    ("shenyang", 1),
    ("shanghai", 8),
    ("nanjing", 3),
    ("suzhou", 5),
    ("hangzhou", 5),
    ("hefei", 3),
    ("jinan", 2),
    ("qingdao", 2),
    ("zhengzhou", 1),
    ("wuhan", 3),
    ("changsha", 1),
    ("guangzhou", 3),
    ("shenzhen", 7),
    ("chongqing", 1),
    ("chengdu", 3),
    ("xian", 3),
)

ROADS = (
    "学院路",
    "学府路",
    "科苑路",
    "创新路",
    "育英路",
    "文华路",
    "明德路",
    "启航大道",
    "科技园路",
    "丰泽路",
    "清泉路",
    "长青路",
    "景明路",
    "博雅路",
    "致远路",
    "瑞和路",
    "星光大道",
    "智造大街",
)

# --- departments -------------------------------------------------------------------------

DEPARTMENTS: dict[str, tuple[str, str]] = {
    "mse": ("材料科学与工程学院", "School of Materials Science and Engineering"),
    "me": ("机械工程学院", "School of Mechanical Engineering"),
    "cs": ("计算机科学与技术学院", "School of Computer Science and Technology"),
    "ee": ("电气工程学院", "School of Electrical Engineering"),
    "auto": ("自动化学院", "School of Automation"),
    "ice": ("信息与通信工程学院", "School of Information and Communication Engineering"),
    "ai": ("人工智能学院", "School of Artificial Intelligence"),
    "soft": ("软件学院", "School of Software"),
    "ic": ("集成电路学院", "School of Integrated Circuits"),
    "cyber": ("网络空间安全学院", "School of Cyberspace Security"),
    "opto": ("光电工程学院", "School of Optoelectronic Engineering"),
    "inst": ("仪器科学与工程学院", "School of Instrument Science and Engineering"),
    "chem": ("化学学院", "College of Chemistry"),
    "chemeng": ("化学工程学院", "College of Chemical Engineering"),
    "env": ("环境科学与工程学院", "School of Environmental Science and Engineering"),
    "life": ("生命科学学院", "School of Life Sciences"),
    "energy": ("能源与动力工程学院", "School of Energy and Power Engineering"),
    "civil": ("土木工程学院", "School of Civil Engineering"),
    "arch": ("建筑与城市规划学院", "School of Architecture and Urban Planning"),
    "transport": ("交通运输学院", "School of Traffic and Transportation"),
    "aero": ("航空科学与工程学院", "School of Aeronautic Science and Engineering"),
    "astro": ("宇航学院", "School of Astronautics"),
    "math": ("数学科学学院", "School of Mathematical Sciences"),
    "phys": ("物理学院", "School of Physics"),
    "sci": ("理学院", "School of Science"),
    "econ": ("经济管理学院", "School of Economics and Management"),
    "law": ("法学院", "Law School"),
    "fl": ("外国语学院", "School of Foreign Languages"),
    "marx": ("马克思主义学院", "School of Marxism"),
    "hum": ("人文与社会科学学院", "School of Humanities and Social Sciences"),
    "design": ("设计艺术学院", "School of Design and Arts"),
    "agr": ("农学院", "College of Agronomy"),
    "hort": ("园艺学院", "College of Horticulture"),
    "anim": ("动物科学技术学院", "College of Animal Science and Technology"),
    "vet": ("动物医学院", "College of Veterinary Medicine"),
    "food": ("食品科学与营养工程学院", "College of Food Science and Nutritional Engineering"),
    "water": ("水利与土木工程学院", "College of Water Resources and Civil Engineering"),
    "resenv": ("资源与环境学院", "College of Resources and Environmental Sciences"),
    "basicmed": ("基础医学院", "School of Basic Medical Sciences"),
    "clinic": ("临床医学院", "School of Clinical Medicine"),
    "pharm": ("药学院", "School of Pharmaceutical Sciences"),
    "ph": ("公共卫生学院", "School of Public Health"),
    "nursing": ("护理学院", "School of Nursing"),
    "bme": ("生物医学工程学院", "School of Biomedical Engineering"),
    "tcm": ("中医学院", "School of Traditional Chinese Medicine"),
    "cmm": ("中药学院", "School of Chinese Materia Medica"),
    "acu": ("针灸推拿学院", "School of Acupuncture, Moxibustion and Tuina"),
    "forest": ("林学院", "School of Forestry"),
    "ecology": ("生态与自然保护学院", "School of Ecology and Nature Conservation"),
    "landscape": ("园林学院", "School of Landscape Architecture"),
    "earth": ("地球科学与资源学院", "School of Earth Sciences and Resources"),
    "geophys": ("地球物理与信息技术学院", "School of Geophysics and Information Technology"),
    "survey": ("测绘与空间信息学院", "School of Surveying and Spatial Information"),
    "petro": ("石油工程学院", "College of Petroleum Engineering"),
    "mining": ("矿业工程学院", "School of Mining Engineering"),
    "safety": (
        "应急管理与安全工程学院",
        "School of Emergency Management and Safety Engineering",
    ),
    "finance": ("金融学院", "School of Finance"),
    "acct": ("会计学院", "School of Accountancy"),
    "stat": ("统计与数据科学学院", "School of Statistics and Data Science"),
    "trade": ("国际经济与贸易学院", "School of International Trade and Economics"),
    "mgmt": ("管理科学与工程学院", "School of Management Science and Engineering"),
    "english": ("英语学院", "School of English Studies"),
    "asian": ("亚非语言文化学院", "School of Asian and African Studies"),
    "transl": ("高级翻译学院", "Graduate School of Translation and Interpretation"),
    "intl": ("国际关系学院", "School of International Relations"),
    "edu": ("教育学部", "Faculty of Education"),
    "psy": ("心理学部", "Faculty of Psychology"),
    "lit": ("文学院", "School of Chinese Language and Literature"),
    "hist": ("历史学院", "School of History"),
    "geog": ("地理科学学部", "Faculty of Geographical Science"),
    "textile": ("纺织科学与工程学院", "School of Textile Science and Engineering"),
    "fashion": ("服装艺术与工程学院", "School of Fashion Art and Engineering"),
    "print": ("印刷与包装工程学院", "School of Printing and Packaging Engineering"),
    "media": ("新闻与传播学院", "School of Journalism and Communication"),
    "pe": ("体育教育学院", "School of Physical Education"),
    "sportsci": ("运动人体科学学院", "School of Sport Science"),
    "rehab": ("运动医学与康复学院", "School of Sports Medicine and Rehabilitation"),
    "sportbiz": ("体育商学院", "School of Sport Business"),
    "nuclear": ("核科学与工程学院", "School of Nuclear Science and Engineering"),
    "newenergy": ("新能源学院", "School of New Energy"),
}


class Profile(NamedTuple):
    focus_zh: str
    focus_en: str
    strength_zh: str
    strength_en: str
    departments: tuple[str, ...]  # keys of DEPARTMENTS; the first four always present


PROFILES: dict[str, Profile] = {
    "eng": Profile(
        "工程技术",
        "engineering and technology",
        "在新材料、智能制造和新一代信息技术领域形成了一批优势学科",
        (
            "its strongest fields are new materials, intelligent manufacturing and information "
            "technology"
        ),
        _keys(
            "mse me cs ee auto ice chem env energy civil ai soft inst opto sci econ design fl marx"
        ),
    ),
    "aero": Profile(
        "航空航天",
        "aeronautics and astronautics",
        "在飞行器设计、先进动力和导航控制等方向具有鲜明特色",
        "it is known for aircraft design, advanced propulsion and navigation and control",
        _keys("aero astro mse me auto ee ice energy inst cs soft ai math phys econ law fl marx"),
    ),
    "comprehensive": Profile(
        "文理工医多学科",
        "a broad range of disciplines",
        "理学、工学、经济学和人文学科协调发展",
        "science, engineering, economics and the humanities grow side by side",
        _keys("math phys chem life cs mse ee env econ law lit hist fl media psy marx"),
    ),
    "normal": Profile(
        "教师教育",
        "teacher education",
        "教育学、心理学和基础学科具有传统优势",
        "education, psychology and the basic sciences are its traditional strengths",
        _keys("edu psy math phys chem life geog lit hist cs fl media design econ marx"),
    ),
    "agri": Profile(
        "农业科学",
        "agricultural science",
        "在作物育种、动物科学和食品工程领域成果突出",
        "crop breeding, animal science and food engineering are its leading fields",
        _keys("agr hort anim food vet water resenv life econ cs fl marx"),
    ),
    "medical": Profile(
        "医学",
        "medicine",
        "基础医学、临床医学和药学协同发展",
        "basic medicine, clinical medicine and pharmacy work closely together",
        _keys("basicmed clinic pharm bme ph nursing life fl marx"),
    ),
    "pharma": Profile(
        "药学",
        "pharmaceutical science",
        "在创新药物研发和药物制剂领域形成特色",
        "it is known for new-drug research and pharmaceutical formulation",
        _keys("pharm basicmed life chem bme cmm food ph econ marx"),
    ),
    "chem": Profile(
        "化学工程",
        "chemical engineering",
        "在化工过程、精细化工和高分子材料方向优势明显",
        "chemical processes, fine chemicals and polymers are its strongest fields",
        _keys("chemeng chem mse env life me ee cs sci econ fl marx"),
    ),
    "telecom": Profile(
        "信息与通信",
        "information and communication technology",
        "在移动通信、网络安全和人工智能方向具有较强实力",
        "mobile communication, cybersecurity and artificial intelligence are its strengths",
        _keys("ice cs cyber ai ee soft ic opto auto sci econ media design fl marx"),
    ),
    "electronics": Profile(
        "电子信息",
        "electronics and information",
        "在集成电路、光电子和智能感知领域特色鲜明",
        "it is known for integrated circuits, optoelectronics and intelligent sensing",
        _keys("ice ic opto ee cs soft cyber ai auto mse phys math econ fl marx"),
    ),
    "transport": Profile(
        "交通运输",
        "transport",
        "在轨道交通、智能交通和土木工程方向形成优势",
        "rail transit, intelligent transport and civil engineering are its leading fields",
        _keys("transport civil me ee auto ice cs arch energy env econ sci law fl marx"),
    ),
    "forestry": Profile(
        "林业与生态",
        "forestry and ecology",
        "在林木育种、生态修复和园林规划方面成果丰富",
        "tree breeding, ecological restoration and landscape planning are its strengths",
        _keys("forest ecology landscape mse life env food econ cs fl marx"),
    ),
    "tcm": Profile(
        "中医药",
        "traditional Chinese medicine",
        "中医、中药和针灸推拿学科底蕴深厚",
        "Chinese medicine, materia medica and acupuncture have a long tradition there",
        _keys("tcm cmm acu basicmed clinic nursing ph marx"),
    ),
    "geo": Profile(
        "地球科学",
        "earth sciences",
        "在资源勘查、地球物理和测绘遥感方向优势突出",
        "resource exploration, geophysics and surveying are its leading fields",
        _keys("earth geophys survey mse water env cs math econ fl marx"),
    ),
    "arch": Profile(
        "建筑与土木",
        "architecture and civil engineering",
        "在绿色建筑、城市更新和智能建造方向具有特色",
        "green buildings, urban renewal and smart construction are its specialities",
        _keys("arch civil env survey me ee design cs econ sci law marx"),
    ),
    "power": Profile(
        "电力与能源",
        "electric power and energy",
        "在新型电力系统、新能源和核能利用方向优势明显",
        "new power systems, renewable energy and nuclear energy are its strongest fields",
        _keys("ee energy newenergy nuclear auto ice cs me env sci econ fl marx"),
    ),
    "finance": Profile(
        "经济与金融",
        "economics and finance",
        "金融学、会计学和统计学在国内具有较高影响力",
        "its finance, accounting and statistics programmes are widely respected",
        _keys("finance acct stat trade econ mgmt law cs math fl marx"),
    ),
    "foreign": Profile(
        "外国语言文学",
        "foreign languages and international studies",
        "多语种人才培养和国际传播研究特色鲜明",
        "it is known for multilingual education and international communication",
        _keys("english asian transl intl econ law lit media cs marx"),
    ),
    "business": Profile(
        "工商管理",
        "business and technology",
        "在食品工程、商业管理和轻工技术方向形成特色",
        "food engineering, business management and light industry are its specialities",
        _keys("econ mgmt acct finance food chem mse cs trade design law fl marx"),
    ),
    "petroleum": Profile(
        "石油与天然气",
        "petroleum and natural gas",
        "在油气勘探开发、化工和安全工程领域优势明显",
        "oil and gas exploration, chemical engineering and safety engineering are its strengths",
        _keys("petro earth geophys chemeng me safety newenergy cs sci econ fl marx"),
    ),
    "mining": Profile(
        "矿业与安全",
        "mining and safety engineering",
        "在智能开采、安全工程和矿物加工方面成果丰富",
        "intelligent mining, safety engineering and mineral processing are its strengths",
        _keys("mining safety earth survey mse me civil chemeng ee cs econ marx"),
    ),
    "textile": Profile(
        "纺织服装",
        "textiles and fashion",
        "在功能纺织材料和服装设计方向具有特色",
        "functional textile materials and fashion design are its specialities",
        _keys("textile fashion mse design me cs econ media fl marx"),
    ),
    "printing": Profile(
        "印刷与传媒",
        "printing and media technology",
        "在数字印刷、包装工程和出版传媒方向优势明显",
        "digital printing, packaging engineering and publishing are its strengths",
        _keys("print media design mse me ice cs econ sci marx"),
    ),
    "sport": Profile(
        "体育科学",
        "sport science",
        "在运动训练、运动康复和体育产业研究方面特色鲜明",
        "sports training, rehabilitation and the sports industry are its specialities",
        _keys("pe sportsci rehab sportbiz psy media fl marx"),
    ),
}


class University(NamedTuple):
    name: str
    name_en: str
    short_name: str
    slug: str
    city: str  # key of CITIES
    district: str
    profile: str  # key of PROFILES
    major: bool  # a large university: more schools, more people


# name | English name | short name | slug | city | district | profile | size
# The first university is the demo accounts' home. All names are invented.
_UNIVERSITY_TABLE = """
京北理工大学 | Jingbei Institute of Technology | 京北理工 | jbit | beijing | 海淀区 | eng | major
燕山航空航天大学 | Yanshan University of Aeronautics and Astronautics | 燕航 | ysaa | beijing | 海淀区 | aero | major
京华大学 | Jinghua University | 京华大 | jhdx | beijing | 海淀区 | comprehensive | major
西山师范大学 | Xishan Normal University | 西山师大 | xsnu | beijing | 海淀区 | normal | major
永定农业大学 | Yongding Agricultural University | 永定农大 | ydau | beijing | 昌平区 | agri | major
京南医科大学 | Jingnan Medical University | 京南医大 | jnmu | beijing | 丰台区 | medical | major
北辰化工大学 | Beichen University of Chemical Technology | 北辰化大 | bcuct | beijing | 朝阳区 | chem | regular
京西邮电大学 | Jingxi University of Posts and Telecommunications | 京西邮电 | jxupt | beijing | 海淀区 | telecom | major
燕山交通大学 | Yanshan Jiaotong University | 燕山交大 | ysjtu | beijing | 海淀区 | transport | major
潮白科技大学 | Chaobai University of Science and Technology | 潮白科大 | cbust | beijing | 顺义区 | eng | major
京畿工业大学 | Jingji University of Technology | 京畿工大 | jjut | beijing | 朝阳区 | eng | regular
北辰林业大学 | Beichen Forestry University | 北辰林大 | bcfu | beijing | 海淀区 | forestry | regular
京华中医药大学 | Jinghua University of Chinese Medicine | 京华中医药 | jhucm | beijing | 朝阳区 | tcm | regular
西山地质大学 | Xishan University of Geosciences | 西山地大 | xsug | beijing | 海淀区 | geo | regular
京北信息科技大学 | Jingbei Information Science and Technology University | 京北信科 | jbistu | beijing | 昌平区 | telecom | regular
燕山建筑大学 | Yanshan University of Civil Engineering and Architecture | 燕山建大 | ysucea | beijing | 西城区 | arch | regular
长河电力大学 | Changhe Electric Power University | 长河电力 | chepu | beijing | 昌平区 | power | regular
京华财经大学 | Jinghua University of Finance and Economics | 京华财大 | jhufe | beijing | 海淀区 | finance | regular
北辰外国语大学 | Beichen Foreign Studies University | 北辰外大 | bcfsu | beijing | 海淀区 | foreign | regular
京南工商大学 | Jingnan Technology and Business University | 京南工商 | jntbu | beijing | 房山区 | business | regular
京西石油大学 | Jingxi University of Petroleum | 京西石大 | jxup | beijing | 昌平区 | petroleum | regular
燕山矿业大学 | Yanshan University of Mining and Technology | 燕山矿大 | ysumt | beijing | 海淀区 | mining | regular
京华服装学院 | Jinghua Institute of Fashion Technology | 京华服院 | jhift | beijing | 朝阳区 | textile | regular
京北印刷学院 | Jingbei Institute of Graphic Communication | 京北印院 | jbigc | beijing | 大兴区 | printing | regular
京华体育大学 | Jinghua Sport University | 京华体大 | jhsu | beijing | 海淀区 | sport | regular
通惠理工学院 | Tonghui Institute of Technology | 通惠理工 | thit | beijing | 通州区 | eng | regular
京华联合大学 | Jinghua Union University | 京华联大 | jhuu | beijing | 朝阳区 | comprehensive | regular
西山电子科技大学 | Xishan University of Electronic Science and Technology | 西山电科 | xsuest | beijing | 海淀区 | electronics | major
金台科技大学 | Jintai University of Science and Technology | 金台科大 | jtust | beijing | 朝阳区 | eng | regular
京华药科大学 | Jinghua Pharmaceutical University | 京华药大 | jhpu | beijing | 大兴区 | pharma | regular
京北农学院 | Jingbei Agricultural College | 京北农院 | jbac | beijing | 昌平区 | agri | regular
玉泉理工学院 | Yuquan Institute of Technology | 玉泉理工 | yqit | beijing | 海淀区 | eng | regular
海河理工大学 | Haihe University of Technology | 海河理工 | hhut | tianjin | 南开区 | eng | major
津沽医科大学 | Jingu Medical University | 津沽医大 | jgmu | tianjin | 西青区 | medical | regular
冀中科技大学 | Jizhong University of Science and Technology | 冀中科大 | jzust | shijiazhuang | 裕华区 | eng | regular
燕赵工业大学 | Yanzhao University of Technology | 燕赵工大 | yzut | baoding | 竞秀区 | eng | regular
汾河理工大学 | Fenhe University of Technology | 汾河理工 | fhut | taiyuan | 万柏林区 | mining | regular
泉城科技大学 | Quancheng University of Science and Technology | 泉城科大 | qcust | jinan | 历城区 | eng | regular
秦川工业大学 | Qinchuan University of Technology | 秦川工大 | qcut | xian | 雁塔区 | eng | major
楚天理工大学 | Chutian University of Technology | 楚天理工 | ctut | wuhan | 洪山区 | eng | major
"""
UNIVERSITIES: tuple[University, ...] = tuple(
    University(*row[:7], major=row[7] == "major") for row in _table(_UNIVERSITY_TABLE)
)


class Institute(NamedTuple):
    name: str
    name_en: str
    short_name: str
    slug: str
    district: str  # in Beijing
    field_zh: str
    field_en: str
    labs: tuple[tuple[str, str], ...]


# The first institute is where the demo researcher also reviews.
INSTITUTES: tuple[Institute, ...] = (
    Institute(
        "京华材料研究院",
        "Jinghua Institute of Materials Research",
        "京华材料院",
        "jhimr",
        "海淀区",
        "先进结构材料、功能材料和材料表征",
        "advanced structural materials, functional materials and characterisation",
        (
            ("先进结构材料研究室", "Laboratory of Advanced Structural Materials"),
            ("功能薄膜研究室", "Laboratory of Functional Thin Films"),
            ("高分子复合材料研究室", "Laboratory of Polymer Composites"),
            ("稀土功能材料研究室", "Laboratory of Rare-Earth Functional Materials"),
            ("材料表征与测试中心", "Centre for Materials Characterisation and Testing"),
        ),
    ),
    Institute(
        "燕山先进制造技术研究院",
        "Yanshan Institute of Advanced Manufacturing Technology",
        "燕山制造院",
        "ysiamt",
        "昌平区",
        "智能装备、增材制造和工业软件",
        "intelligent equipment, additive manufacturing and industrial software",
        (
            ("智能装备研究室", "Laboratory of Intelligent Equipment"),
            ("增材制造研究中心", "Additive Manufacturing Research Centre"),
            ("精密加工研究室", "Laboratory of Precision Machining"),
            ("工业软件研究室", "Laboratory of Industrial Software"),
        ),
    ),
    Institute(
        "京北生物医药研究所",
        "Jingbei Institute of Biomedicine",
        "京北生医所",
        "jbibm",
        "大兴区",
        "抗体药物、细胞治疗和医学影像",
        "antibody drugs, cell therapy and medical imaging",
        (
            ("抗体药物研究室", "Laboratory of Antibody Drugs"),
            ("细胞治疗研究中心", "Cell Therapy Research Centre"),
            ("医学影像研究室", "Laboratory of Medical Imaging"),
            ("药物筛选平台", "Drug Screening Platform"),
        ),
    ),
    Institute(
        "西山人工智能研究院",
        "Xishan Institute of Artificial Intelligence",
        "西山智能院",
        "xsiai",
        "海淀区",
        "机器学习、计算机视觉和智能机器人",
        "machine learning, computer vision and intelligent robots",
        (
            ("机器学习研究室", "Laboratory of Machine Learning"),
            ("计算机视觉研究室", "Laboratory of Computer Vision"),
            ("自然语言处理研究室", "Laboratory of Natural Language Processing"),
            ("智能机器人研究中心", "Intelligent Robotics Research Centre"),
        ),
    ),
    Institute(
        "潮白新能源研究院",
        "Chaobai Institute of New Energy",
        "潮白能源院",
        "cbine",
        "顺义区",
        "储能材料、氢能和光伏系统",
        "energy storage materials, hydrogen and photovoltaic systems",
        (
            ("储能材料研究室", "Laboratory of Energy Storage Materials"),
            ("氢能技术研究室", "Laboratory of Hydrogen Technology"),
            ("光伏系统研究室", "Laboratory of Photovoltaic Systems"),
            ("智能电网研究室", "Laboratory of Smart Grids"),
        ),
    ),
    Institute(
        "京华农业科学研究院",
        "Jinghua Academy of Agricultural Sciences",
        "京华农科院",
        "jhaas",
        "海淀区",
        "作物育种、植物保护和智慧农业",
        "crop breeding, plant protection and smart agriculture",
        (
            ("作物遗传育种研究室", "Laboratory of Crop Genetics and Breeding"),
            ("植物保护研究室", "Laboratory of Plant Protection"),
            ("农产品加工研究室", "Laboratory of Agricultural Product Processing"),
            ("智慧农业研究中心", "Smart Agriculture Research Centre"),
        ),
    ),
)


class Government(NamedTuple):
    name: str
    name_en: str
    short_name: str
    slug: str
    district: str
    description: str
    description_en: str


GOVERNMENT_BODIES: tuple[Government, ...] = (
    Government(
        "京华市科学技术委员会",
        "Jinghua Municipal Science and Technology Commission",
        "京华市科委",
        "jh-stc",
        "西城区",
        "负责全市科技创新政策制定、科技成果转化促进和技术市场管理。",
        "Sets the city's innovation policy, promotes the transfer of research results and "
        "oversees the technology market.",
    ),
    Government(
        "京华市教育委员会",
        "Jinghua Municipal Education Commission",
        "京华市教委",
        "jh-edu",
        "东城区",
        "负责全市高等教育管理，推动高校科技成果转化和产学研合作。",
        "Oversees higher education in the city and encourages universities to transfer their "
        "research results to industry.",
    ),
    Government(
        "京华市知识产权局",
        "Jinghua Municipal Intellectual Property Administration",
        "京华市知识产权局",
        "jh-ipa",
        "朝阳区",
        "负责全市知识产权保护与运用，指导高校专利运营和知识产权服务机构发展。",
        "Protects and promotes intellectual property in the city and guides university patent "
        "management and IP service firms.",
    ),
)

# --- companies ---------------------------------------------------------------------------

#: Invented two-character brand names with their pinyin.
BRANDS: tuple[tuple[str, str], ...] = _pairs(
    """
    瀚海 Hanhai, 睿芯 Ruixin, 天衡 Tianheng, 博远 Boyuan, 景行 Jingxing, 云帆 Yunfan, 知行 Zhixing,
    青禾 Qinghe, 澄明 Chengming, 玄鸟 Xuanniao, 鸿途 Hongtu, 泰和 Taihe, 慧眸 Huimou, 峻岭 Junling,
    长缨 Changying, 沐光 Muguang, 若水 Ruoshui, 凌霄 Lingxiao, 新禾 Xinhe, 朗润 Langrun,
    弘毅 Hongyi, 恒远 Hengyuan, 致远 Zhiyuan, 立方 Lifang, 精微 Jingwei, 微纳 Weina, 矩阵 Juzhen,
    星衍 Xingyan, 辰光 Chenguang, 蔚蓝 Weilan, 赛思 Saisi, 锐拓 Ruituo, 泓达 Hongda, 德润 Derun,
    安泰 Antai, 元素 Yuansu, 极光 Jiguang, 晨曦 Chenxi, 朔方 Shuofang, 明德 Mingde, 同心 Tongxin,
    嘉禾 Jiahe, 丰源 Fengyuan, 碧水 Bishui, 清源 Qingyuan, 蓝海 Lanhai, 云启 Yunqi, 数衡 Shuheng,
    智桥 Zhiqiao, 芯瀚 Xinhan, 华钛 Huatai, 钛晶 Taijing, 铂睿 Borui, 涌泉 Yongquan, 听涛 Tingtao,
    观澜 Guanlan, 映山 Yingshan, 松岩 Songyan, 竹韵 Zhuyun, 墨石 Moshi, 冠宇 Guanyu, 翰林 Hanlin,
    逸飞 Yifei, 凯航 Kaihang, 远帆 Yuanfan, 泽坤 Zekun, 晟华 Shenghua, 衡准 Hengzhun, 睿博 Ruibo,
    骏驰 Junchi, 天枢 Tianshu, 璇玑 Xuanji, 开阳 Kaiyang, 摇光 Yaoguang, 天璇 Tianxuan, 紫微 Ziwei,
    太初 Taichu, 青鸾 Qingluan, 白泽 Baize, 毕方 Bifang, 重明 Chongming, 应龙 Yinglong,
    算元 Suanyuan, 格物 Gewu, 致知 Zhizhi, 笃行 Duxing, 明理 Mingli, 启航 Qihang, 瑞禾 Ruihe,
    峰合 Fenghe, 灵犀 Lingxi, 沃土 Wotu, 金穗 Jinsui, 海纳 Haina, 聚能 Juneng, 储元 Chuyuan,
    澜星 Lanxing, 曜石 Yaoshi, 岚图 Lantu, 拓界 Tuojie, 源启 Yuanqi, 昭明 Zhaoming, 知微 Zhiwei,
    北溟 Beiming
    """
)


class Industry(NamedTuple):
    zh: str  # the part of a company name before 有限公司
    en: str
    code: str  # for the short code
    fields: tuple[tuple[str, str], ...]  # what such a company works on, zh/en


INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        "智能科技",
        "Intelligent Technology",
        "ai",
        (
            ("工业视觉检测与智能装备", "machine-vision inspection and intelligent equipment"),
            ("服务机器人与智能控制", "service robots and intelligent control"),
        ),
    ),
    Industry(
        "生物医药",
        "Biopharmaceutical",
        "bio",
        (
            ("抗体药物与生物制剂", "antibody drugs and biologics"),
            ("体外诊断试剂", "in-vitro diagnostic reagents"),
        ),
    ),
    Industry(
        "新材料科技",
        "New Materials Technology",
        "mat",
        (
            ("高性能复合材料", "high-performance composites"),
            ("特种合金与涂层", "special alloys and coatings"),
        ),
    ),
    Industry(
        "环保科技",
        "Environmental Technology",
        "env",
        (
            ("工业废水处理", "industrial wastewater treatment"),
            ("土壤修复与固废资源化", "soil remediation and solid-waste recycling"),
        ),
    ),
    Industry(
        "信息技术",
        "Information Technology",
        "it",
        (
            ("政务与教育信息化", "digital services for government and education"),
            ("工业互联网平台", "industrial internet platforms"),
        ),
    ),
    Industry(
        "精密仪器",
        "Precision Instruments",
        "inst",
        (
            ("光谱分析仪器", "spectroscopic instruments"),
            ("精密测量与传感器", "precision measurement and sensors"),
        ),
    ),
    Industry(
        "新能源科技",
        "New Energy Technology",
        "energy",
        (
            ("光伏组件与逆变器", "photovoltaic modules and inverters"),
            ("氢燃料电池", "hydrogen fuel cells"),
        ),
    ),
    Industry(
        "医疗器械",
        "Medical Devices",
        "med",
        (
            ("微创手术器械", "minimally invasive surgical instruments"),
            ("医学影像设备", "medical imaging equipment"),
        ),
    ),
    Industry(
        "半导体",
        "Semiconductor",
        "semi",
        (
            ("功率半导体器件", "power semiconductor devices"),
            ("芯片封装与测试", "chip packaging and testing"),
        ),
    ),
    Industry(
        "农业科技",
        "Agricultural Technology",
        "agri",
        (
            ("作物新品种选育", "new crop varieties"),
            ("智慧农业物联网", "internet of things for smart farming"),
        ),
    ),
    Industry(
        "航空科技",
        "Aviation Technology",
        "aero",
        (
            ("无人机系统", "unmanned aerial systems"),
            ("航空零部件精密制造", "precision aviation components"),
        ),
    ),
    Industry(
        "机器人",
        "Robotics",
        "robot",
        (
            ("工业机器人与协作机器人", "industrial and collaborative robots"),
            ("特种作业机器人", "robots for hazardous work"),
        ),
    ),
    Industry(
        "软件",
        "Software",
        "soft",
        (
            ("工业设计与仿真软件", "industrial design and simulation software"),
            ("数据库与中间件", "databases and middleware"),
        ),
    ),
    Industry(
        "通信技术",
        "Communication Technology",
        "comm",
        (
            ("光通信模块", "optical communication modules"),
            ("专网通信设备", "private-network communication equipment"),
        ),
    ),
    Industry(
        "化工",
        "Chemical",
        "chem",
        (
            ("精细化学品", "fine chemicals"),
            ("高分子助剂", "polymer additives"),
        ),
    ),
    Industry(
        "电子科技",
        "Electronics",
        "elec",
        (
            ("电源管理模块", "power management modules"),
            ("嵌入式控制系统", "embedded control systems"),
        ),
    ),
    Industry(
        "光电科技",
        "Optoelectronics",
        "opto",
        (
            ("激光器与光学元件", "lasers and optical components"),
            ("红外探测器", "infrared detectors"),
        ),
    ),
    Industry(
        "储能技术",
        "Energy Storage Technology",
        "storage",
        (
            ("锂离子电池材料", "lithium-ion battery materials"),
            ("储能系统集成", "energy storage system integration"),
        ),
    ),
    Industry(
        "检测技术",
        "Testing Technology",
        "test",
        (
            ("材料检测与认证", "materials testing and certification"),
            ("无损检测", "non-destructive testing"),
        ),
    ),
    Industry(
        "数据科技",
        "Data Technology",
        "data",
        (
            ("数据治理与分析", "data governance and analytics"),
            ("隐私计算", "privacy-preserving computation"),
        ),
    ),
)


class ProviderType(NamedTuple):
    code: str
    name_zh: str  # "{city}{brand}…" pattern
    name_en: str
    credit_prefix: str  # first two characters of the credit code
    description: str
    description_en: str
    positions: tuple[str, ...]


PROVIDER_TYPES: tuple[ProviderType, ...] = (
    ProviderType(
        "ip",
        "{city}{brand}专利代理事务所（普通合伙）",
        "{city} {brand} Patent Agency (General Partnership)",
        "31",
        "专业从事专利申请、专利布局、无效宣告和专利运营服务，服务高校和科技企业。",
        "Files and manages patents, builds patent portfolios and handles invalidation and "
        "licensing for universities and technology companies.",
        ("专利代理师", "高级专利代理师", "合伙人", "知识产权顾问"),
    ),
    ProviderType(
        "law",
        "{city}{brand}律师事务所",
        "{brand} Law Firm, {city}",
        "31",
        "专注于知识产权、技术合同和科技企业投融资法律服务。",
        "Advises on intellectual property, technology contracts and the financing of "
        "technology companies.",
        ("律师", "合伙人", "高级合伙人"),
    ),
    ProviderType(
        "appraisal",
        "{city}{brand}资产评估有限公司",
        "{city} {brand} Asset Appraisal Co., Ltd.",
        "91",
        "提供无形资产评估、科技成果作价入股评估和知识产权质押评估服务。",
        "Values intangible assets, research results contributed as equity and patents "
        "pledged as collateral.",
        ("资产评估师", "项目经理", "副总经理"),
    ),
    ProviderType(
        "vc",
        "{city}{brand}创业投资管理有限公司",
        "{city} {brand} Venture Capital Management Co., Ltd.",
        "91",
        "专注于硬科技早期投资，重点关注高校科技成果转化项目。",
        "Invests early in deep-tech start-ups, especially spin-outs from universities.",
        ("投资经理", "投资总监", "合伙人"),
    ),
    ProviderType(
        "incubator",
        "{city}{brand}科技企业孵化器有限公司",
        "{city} {brand} Technology Business Incubator Co., Ltd.",
        "91",
        "为初创科技企业提供办公空间、创业辅导、投融资对接和技术转移服务。",
        "Gives start-ups office space, mentoring, introductions to investors and technology "
        "transfer support.",
        ("运营总监", "孵化服务经理", "总经理"),
    ),
    ProviderType(
        "tts",
        "{city}{brand}技术转移服务有限公司",
        "{city} {brand} Technology Transfer Services Co., Ltd.",
        "91",
        "提供技术评价、技术经纪、成果推介和产学研对接服务。",
        "Evaluates technologies, brokers licences and matches research results with industry.",
        ("技术经纪人", "项目经理", "总经理"),
    ),
)

# --- people ------------------------------------------------------------------------------

#: Common surnames with pinyin and a rough weight.
SURNAMES: tuple[tuple[str, str, int], ...] = tuple(
    (zh, py, int(weight))
    for zh, py, weight in _items(
        """
        王 Wang 72, 李 Li 70, 张 Zhang 66, 刘 Liu 54, 陈 Chen 46, 杨 Yang 33, 黄 Huang 25,
        赵 Zhao 22, 吴 Wu 20, 周 Zhou 19, 徐 Xu 15, 孙 Sun 15, 马 Ma 14, 朱 Zhu 13, 胡 Hu 12,
        郭 Guo 12, 何 He 10, 高 Gao 10, 林 Lin 10, 罗 Luo 9, 郑 Zheng 9, 梁 Liang 8, 谢 Xie 7,
        宋 Song 7, 唐 Tang 6, 许 Xu 6, 韩 Han 6, 冯 Feng 6, 邓 Deng 6, 曹 Cao 6, 彭 Peng 5,
        曾 Zeng 5, 肖 Xiao 5, 田 Tian 5, 董 Dong 5, 袁 Yuan 5, 潘 Pan 4, 于 Yu 4, 蒋 Jiang 4,
        蔡 Cai 4, 余 Yu 4, 杜 Du 4, 叶 Ye 4, 程 Cheng 4, 苏 Su 4, 魏 Wei 4, 吕 Lyu 4, 丁 Ding 4,
        任 Ren 3, 沈 Shen 3, 姚 Yao 3, 卢 Lu 3, 姜 Jiang 3, 崔 Cui 3, 钟 Zhong 3, 谭 Tan 3,
        陆 Lu 3, 汪 Wang 3, 范 Fan 3, 金 Jin 3, 石 Shi 3, 廖 Liao 3, 贾 Jia 3, 夏 Xia 3, 付 Fu 2,
        方 Fang 2, 白 Bai 2, 邹 Zou 2, 孟 Meng 2, 熊 Xiong 2, 秦 Qin 2, 邱 Qiu 2, 江 Jiang 2,
        尹 Yin 2, 薛 Xue 2, 闫 Yan 2, 段 Duan 2, 雷 Lei 2, 侯 Hou 2, 龙 Long 2, 史 Shi 2, 陶 Tao 2,
        黎 Li 2, 贺 He 2, 顾 Gu 2, 毛 Mao 2, 郝 Hao 2, 龚 Gong 2, 邵 Shao 2, 万 Wan 2, 钱 Qian 2,
        严 Yan 2, 武 Wu 2, 戴 Dai 2, 孔 Kong 1, 向 Xiang 1, 汤 Tang 1, 欧阳 Ouyang 1, 司马 Sima 1,
        上官 Shangguan 1
        """
    )
)

#: Characters of given names with their pinyin.
GIVEN_CHARS: tuple[tuple[str, str], ...] = _pairs(
    """
    伟 wei, 芳 fang, 娜 na, 敏 min, 静 jing, 丽 li, 强 qiang, 磊 lei, 军 jun, 洋 yang, 勇 yong,
    艳 yan, 杰 jie, 娟 juan, 涛 tao, 明 ming, 超 chao, 秀 xiu, 霞 xia, 平 ping, 刚 gang, 英 ying,
    华 hua, 文 wen, 辉 hui, 鹏 peng, 宇 yu, 浩 hao, 晨 chen, 博 bo, 欣 xin, 婷 ting, 雪 xue,
    琳 lin, 晓 xiao, 建 jian, 国 guo, 志 zhi, 海 hai, 振 zhen, 宏 hong, 俊 jun, 峰 feng, 斌 bin,
    亮 liang, 健 jian, 凯 kai, 立 li, 新 xin, 春 chun, 红 hong, 玲 ling, 梅 mei, 燕 yan, 萍 ping,
    雯 wen, 佳 jia, 慧 hui, 颖 ying, 倩 qian, 然 ran, 悦 yue, 思 si, 子 zi, 一 yi, 天 tian, 嘉 jia,
    泽 ze, 睿 rui, 航 hang, 瑞 rui, 旭 xu, 昊 hao, 阳 yang, 帆 fan, 宁 ning, 翔 xiang, 楠 nan,
    丹 dan, 蕾 lei, 璐 lu, 晶 jing, 彬 bin, 毅 yi, 成 cheng, 林 lin, 森 sen, 云 yun, 飞 fei,
    龙 long, 岩 yan, 冰 bing, 清 qing, 雅 ya, 怡 yi, 诗 shi, 梦 meng, 若 ruo, 可 ke, 卓 zhuo,
    远 yuan, 永 yong, 光 guang, 德 de, 鑫 xin, 琦 qi, 哲 zhe, 润 run, 锋 feng, 正 zheng, 学 xue,
    忠 zhong, 荣 rong, 兰 lan, 爽 shuang, 蓉 rong, 薇 wei, 婉 wan, 凡 fan, 晗 han, 昕 xin
    """
)

MOBILE_PREFIXES: tuple[str, ...] = (
    *(f"13{n}" for n in "0123456789"),
    *(f"15{n}" for n in "0125689"),
    "166",
    "177",
    *(f"18{n}" for n in "0156789"),
    "199",
)

# (title, weight) for researchers at universities and institutes.
RESEARCHER_TITLES: tuple[tuple[str, int], ...] = (
    ("教授", 24),
    ("副教授", 30),
    ("讲师", 14),
    ("研究员", 10),
    ("副研究员", 10),
    ("助理研究员", 5),
    ("高级工程师", 7),
)
INSTITUTE_TITLES: tuple[tuple[str, int], ...] = (
    ("研究员", 30),
    ("副研究员", 35),
    ("助理研究员", 20),
    ("高级工程师", 10),
    ("工程师", 5),
)
RESEARCHER_POSITIONS: tuple[tuple[str, int], ...] = (
    ("", 60),
    ("课题组负责人", 20),
    ("系主任", 5),
    ("副院长", 4),
    ("重点实验室主任", 4),
    ("工程中心副主任", 3),
    ("博士生导师", 4),
)
OFFICE_POSITIONS = (
    "技术转移中心主任",
    "技术转移中心副主任",
    "成果转化科科长",
    "知识产权科科长",
    "项目主管",
    "合同管理专员",
    "专利管理专员",
)
OFFICE_TITLES = ("副研究员", "助理研究员", "高级工程师", "工程师", "")
MANAGER_POSITIONS = ("技术经理人", "技术经理人", "高级技术经理人", "技术经纪人", "项目经理")
MANAGER_TITLES = ("高级工程师", "工程师", "副研究员", "高级经济师", "经济师")
REVIEWER_POSITIONS = ("技术评审专家", "技术评审专家", "成果评价专家", "学术委员会委员")
REVIEWER_TITLES = ("教授", "教授", "研究员", "正高级工程师")
ENTERPRISE_POSITIONS = (
    "总经理",
    "技术总监",
    "研发部经理",
    "知识产权主管",
    "董事长",
    "首席技术官",
    "产品经理",
    "投资发展部经理",
)
ENTERPRISE_TITLES = ("高级工程师", "工程师", "", "", "")
OBSERVER_POSITIONS = (
    "成果转化处处长",
    "高新技术处副处长",
    "一级主任科员",
    "四级调研员",
    "科技成果转化促进中心主任",
)
