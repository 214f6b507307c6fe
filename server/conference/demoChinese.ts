/**
 * The demo event's titles in Chinese: the fair it stands for is a Chinese regional event, so its
 * organisers would enter both. Keyed like the records in demoProgramme.ts.
 */

export const DEMO_EVENT_NAME_ZH = '科技成果交易会（演示）';

export const DEMO_STAGE_NAMES_ZH: Record<string, string> = {
  keynote: '主会场 · 主旨演讲',
  release: '成果发布厅',
};

export const DEMO_SESSION_TITLES_ZH: Record<string, string> = {
  opening: '开幕致辞',
  keynote: '主旨演讲：从实验台到生产线',
  report: '产业报告：制造企业需要怎样的高校科研',
  panel: '圆桌讨论：第一座工厂的融资——投资人、高校与产业',
  signing: '签约仪式：本届交易会合作协议签约',
  'release-riverside': '成果发布：河畔理工大学',
  'release-northlake': '成果发布：北湖农业大学',
  'release-eastport': '成果发布：东港医科大学',
};

export const DEMO_ACHIEVEMENTS_ZH: Record<string, { title: string; summary: string }> = {
  'sodium-ion': {
    title: '以稻壳硬碳为负极的钠离子电池',
    summary:
      '中试线电芯能量密度达 150 Wh/kg，循环 3000 次后容量保持 80%，负极由农业废弃物炭化制成。不含锂和钴，每千瓦时成本比同类磷酸铁锂电池低约 30%。寻求合作伙伴共建 1 GWh 产线。',
  },
  wheat: {
    title: '抗旱冬小麦品系 NL-17',
    summary: '连续三季田间试验表明，灌溉量减少 40% 时仍保持 92% 的产量。常规育种，非转基因；可提供种子用于区域审定试验。',
  },
  'soil-sensors': {
    title: '面向小农户的低成本土壤墒情传感网络',
    summary: '太阳能供电探头单价低于 15 欧元，经 LoRa 连接手机应用，告诉农户何时浇水、浇多少。已有 400 个探头在 60 个农场使用。',
  },
  ultrasound: {
    title: '面向基层诊所、具备端侧分诊功能的手持超声探头',
    summary:
      '手机大小的探头，端侧模型可在数秒内提示疑似胆结石、肾结石和腹腔积液，无需联网。1200 名患者参与的临床研究正在进行；寻求生产与经销授权。',
  },
};
