import { ValidateIf } from 'class-validator';

/**
 * An optional body field: it may be left out, but `null` is validated like any other value (and so refused),
 * unlike class-validator's IsOptional. Fields that may be null say so with IsOptional and `nullable: true`.
 */
export const MayBeAbsent = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
