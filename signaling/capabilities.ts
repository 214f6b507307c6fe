import { AppError } from '../server/errors';
import { validateDto } from '../server/validation';
import { RtpCapabilitiesDto } from './dto';

/** Distinct capability sets remembered: browser builds and versions in the audience, with room to spare. */
const REMEMBERED = 64;
const validated = new Map<string, RtpCapabilitiesDto>();

/**
 * A receiver's RTP capabilities, validated against RtpCapabilitiesDto once per distinct value. A viewer
 * sends the same capabilities with every consume, and all viewers of one browser build send the same,
 * while validating them (dozens of nested codec, feedback and header-extension objects) was most of a
 * join's validation cost. Each caller gets its own copy: mediasoup normalises capabilities in place.
 */
export async function validCapabilities(raw: object): Promise<RtpCapabilitiesDto> {
  const key = JSON.stringify(raw);
  let known = validated.get(key);
  if (!known) {
    try {
      known = await validateDto(RtpCapabilitiesDto, raw);
    } catch (error) {
      if (error instanceof AppError) throw new AppError('bad_request', `rtpCapabilities: ${error.message}`, { cause: error });
      throw error;
    }
    if (validated.size >= REMEMBERED) validated.delete(validated.keys().next().value as string);
    validated.set(key, known);
  }
  return structuredClone(known);
}
