import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';

/**
 * The global validation of bodies and queries. Path parameters stay the text the client sent: each has its own
 * parsing pipe (ParseIdPipe, ParseUUIDPipe), which can then name that text in its error instead of `NaN`.
 */
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: false },
    });
  }

  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' ? value : super.transformPrimitive(value, metadata);
  }
}
