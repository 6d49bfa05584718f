import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiRequestTimeoutResponse } from '@nestjs/swagger';

/** The answers every multipart upload route shares besides 413 and 415 (receiveFileUpload's errors). */
export const ApiUploadErrors = () =>
  applyDecorators(
    ApiBadRequestResponse({
      description:
        'FILE_REQUIRED (no file in the field), TOO_MANY_FILES (more than one file), MALFORMED_MULTIPART (the body does not ' +
        'parse), UPLOAD_ABORTED; nothing is stored. More than 20 form fields answer 413 TOO_MANY_FIELDS.',
    }),
    ApiRequestTimeoutResponse({ description: 'UPLOAD_TIMEOUT: the upload took longer than UPLOAD_TIMEOUT_SECONDS; nothing is stored' }),
  );
