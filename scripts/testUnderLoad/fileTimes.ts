/** What the file-times reporter writes once a run ends (to the file named by STAGECAST_FILE_TIMES). */
export interface FileTimes {
  /** Milliseconds per test file, from its first suite's start to its last suite's end (hooks included). */
  files: Record<string, number>;
  failures: { file: string; title: string }[];
}

export const FILE_TIMES_ENV = 'STAGECAST_FILE_TIMES';
