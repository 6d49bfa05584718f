import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { MAX_ID } from './is-id.decorator.js';


/** A catalog id: a positive 32-bit integer in decimal. Anything else is the client's mistake (400), never a 500. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^\d{1,10}$/.test(value) || Number(value) < 1 || Number(value) > MAX_ID) {
      throw new BadRequestException(`"${String(value).slice(0, 40)}" is not a valid id (a positive integer)`);
    }
    return Number(value);
  }
}
