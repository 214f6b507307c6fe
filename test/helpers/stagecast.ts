export { devSigner as testSigner, startStagecast, tokenFor } from '../../scripts/lib/inProcess';
export { type ClientSocket, connect, fakeDevice, rawRequest, request } from '../../scripts/lib/signalingClient';
