/** The job type of a streamed voice turn, and its payload (apart from the handler, which needs the service). */
export const VOICE_TURN_JOB = 'voice-turn';

export interface VoiceTurnJobPayload {
  turnId: string;
}
