// The benchmark's IPC, as the bench components use it (tests mock this module). The invoke wrappers
// themselves live in src/ipc/bench.ts, the only folder that talks to Tauri.
export {
  chooseBenchSavePath,
  choosePromptSetPath,
  deleteBench,
  exportBench,
  getBench,
  listBenches,
  readPromptSet,
  saveChart,
  startBench,
  stopBench,
} from '../../ipc/bench';
export { errorMessage, type PaneRequest } from '../../ipc';
export type * from './types';
