import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';

/** The largest value of a PostgreSQL `integer` column, the type of every serial id. */
export const MAX_ID = 2_147_483_647;

/** A reference to a row by its serial id: an integer the column can hold, so a huge value is a 400, not a 500. */
export const IsId = () => applyDecorators(IsInt(), Min(1), Max(MAX_ID));
