import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { MayBeAbsent } from '../../common/may-be-absent.decorator.js';

export class VoiceTextInputDto {
  @ApiPropertyOptional({ description: 'Typed text instead of audio (skips recognition); at most VOICE_MAX_TEXT_CHARS' })
  @MayBeAbsent()
  @IsString()
  @MaxLength(100_000)
  text?: string;
}

export class VoiceUserRecordDto {
  @ApiProperty() id: string;
  @ApiProperty({ type: [String], nullable: true, description: 'Service URLs of the input audio, null for typed turns' })
  input_wav_list: Array<string | null>;
  @ApiProperty({ type: [String], nullable: true }) atot_text_list: Array<string | null>;
  @ApiProperty({ type: [String], nullable: true }) ttot_text_list: Array<string | null>;
  @ApiProperty({ type: [String], nullable: true }) output_wav_list: Array<string | null>;
}

export class VoiceRootDto {
  @ApiProperty() message: string;
  @ApiProperty({ type: VoiceUserRecordDto }) user: VoiceUserRecordDto;
}

export class AtotStepDto {
  @ApiProperty() success: boolean;
  @ApiProperty() turn_id: string;
  @ApiProperty() user_id: string;
  @ApiProperty({ nullable: true, type: String }) input_wav: string | null;
  @ApiProperty({ nullable: true, type: String }) atot_text: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) latency_ms?: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error?: string | null;
}

export class TtotStepDto {
  @ApiProperty() success: boolean;
  @ApiProperty() turn_id: string;
  @ApiProperty() user_id: string;
  @ApiProperty({ nullable: true, type: String }) ttot_text: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) latency_ms?: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error?: string | null;
}

export class TtsStepDto {
  @ApiProperty() success: boolean;
  @ApiProperty({ nullable: true, type: String }) output_wav: string | null;
  @ApiProperty({ nullable: true, type: String }) tts_error: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) latency_ms?: number | null;
}

export class ProcessAudioDto {
  @ApiProperty() turn_id: string;
  @ApiProperty() user_id: string;
  @ApiProperty({ nullable: true, type: String }) input_wav: string | null;
  @ApiProperty({ nullable: true, type: String }) atot_text: string | null;
  @ApiProperty({ nullable: true, type: String }) ttot_text: string | null;
  @ApiProperty({ nullable: true, type: String }) output_wav: string | null;
  @ApiProperty({ type: [String], nullable: true }) output_wav_list: Array<string | null>;
  @ApiProperty() tts_success: boolean;
  @ApiProperty() message: string;
  @ApiPropertyOptional({ nullable: true, type: String }) tts_error?: string | null;
}

export class VoiceErrorDto {
  @ApiProperty({ enum: ['atot', 'ttot', 'tts'] }) step: string;
  @ApiProperty() code: string;
  @ApiProperty() message: string;
}

export class FinalDataDto {
  @ApiProperty({ nullable: true, type: String }) input_wav: string | null;
  @ApiProperty({ nullable: true, type: String }) atot_text: string | null;
  @ApiProperty({ nullable: true, type: String }) ttot_text: string | null;
  @ApiProperty({ nullable: true, type: String }) output_wav: string | null;
}

export class FullPipelineDto {
  @ApiProperty() turn_id: string;
  @ApiProperty({ type: AtotStepDto }) step1_atot: AtotStepDto;
  @ApiProperty({ type: TtotStepDto }) step2_ttot: TtotStepDto;
  @ApiProperty({ type: TtsStepDto }) step3_tts: TtsStepDto;
  @ApiProperty() success: boolean;
  @ApiProperty() user_id: string;
  @ApiProperty({ type: FinalDataDto }) final_data: FinalDataDto;
  @ApiProperty({ type: [VoiceErrorDto] }) errors: VoiceErrorDto[];
}

export class VoiceTurnStartedDto {
  @ApiProperty() turn_id: string;
  @ApiProperty() job_id: string;
  @ApiProperty({ description: 'The SSE stream of the turn: transcript, reply.delta, audio, then done or error' })
  events: string;
}
