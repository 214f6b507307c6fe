import { defineCatalogue } from '../catalogue';

/**
 * Ops alerts in the console: a title per alert rule (server/store/records.ts ALERT_RULES) with the
 * alert's figures; the server's own text is shown under it as detail.
 */
export const consoleAlerts = defineCatalogue(
  {
    heading: 'Active alerts',
    allClear: 'All clear.',
    'severity.warning': 'warning',
    'severity.critical': 'critical',
    node: 'node',
    since: 'since {time}',
    recent: 'Recently cleared',
    recentNone: 'Nothing yet.',
    sourceGone: 'source gone',
    'rule.source_down': '{source} is down: no media for {seconds} s',
    'rule.high_loss': '{source}: {value} % packet loss (threshold {threshold} %)',
    'rule.low_score': '{source}: stream score {value}/10 (below {threshold})',
    'rule.no_viewers_receiving': 'Live, but no viewer receives media',
    'rule.interpreter_missing': 'Live, but the {language} channel has no interpreter',
    'rule.hls_stalled': 'HLS stalled: no new segment for {seconds} s',
    'rule.disk_low': 'Recordings disk low: {free} MB free (below {min} MB); sessions going live are not recorded',
    'rule.worker_cpu': 'Media worker {worker} at {value} % CPU (threshold {threshold} %)',
    'rule.worker_died': 'Media worker {worker} died; it is being replaced, and its stages’ media closed',
    'rule.ports_exhausted': 'Media worker {worker} has no free RTC port: new connections are refused',
    'rule.webhook_disabled': 'A webhook endpoint was disabled after {count} failed deliveries in a row',
  },
  {
    heading: '当前告警',
    allClear: '一切正常。',
    'severity.warning': '警告',
    'severity.critical': '严重',
    node: '节点',
    since: '自 {time} 起',
    recent: '最近解除',
    recentNone: '暂无。',
    sourceGone: '信号源已关闭',
    'rule.source_down': '{source} 中断：已 {seconds} 秒无媒体',
    'rule.high_loss': '{source}：丢包率 {value}%（阈值 {threshold}%）',
    'rule.low_score': '{source}：流质量评分 {value}/10（低于 {threshold}）',
    'rule.no_viewers_receiving': '正在直播，但没有观众收到媒体',
    'rule.interpreter_missing': '正在直播，但 {language} 频道没有同传译员',
    'rule.hls_stalled': 'HLS 停滞：已 {seconds} 秒没有新切片',
    'rule.disk_low': '录制磁盘空间不足：剩余 {free} MB（低于 {min} MB），新开播的环节将不会录制',
    'rule.worker_cpu': '媒体进程 {worker} CPU 占用 {value}%（阈值 {threshold}%）',
    'rule.worker_died': '媒体进程 {worker} 已崩溃，正在替换，其上会场的媒体已关闭',
    'rule.ports_exhausted': '媒体进程 {worker} 的 RTC 端口已耗尽，新连接将被拒绝',
    'rule.webhook_disabled': 'Webhook 端点连续 {count} 次投递失败，已被停用',
  },
);
