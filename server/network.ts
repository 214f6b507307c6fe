import os from 'node:os';

/**
 * The address browsers and encoders are told to send media to: ANNOUNCED_IP when set, else the
 * listen IP when it is a specific one, else this machine's first non-loopback IPv4.
 */
export function resolveAnnouncedIp(listenIp: string, announcedIp: string | undefined): string {
  if (announcedIp) return announcedIp;
  if (listenIp !== '0.0.0.0') return listenIp;
  for (const addresses of Object.values(os.networkInterfaces())) {
    const external = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (external) return external.address;
  }
  return '127.0.0.1';
}
