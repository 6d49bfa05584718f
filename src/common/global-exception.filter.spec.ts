import { BadRequestException, HttpException, HttpStatus, Logger, type ArgumentsHost } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { DomainError, NotFoundError } from './domain-error.js';
import { GlobalExceptionFilter } from './global-exception.filter.js';

function host(requestId = 'req-1') {
  const res = { headersSent: false, setHeader: vi.fn(), status: vi.fn(), json: vi.fn() };
  res.status.mockReturnValue(res);
  const argumentsHost = {
    switchToHttp: () => ({ getRequest: () => ({ id: requestId, method: 'GET', originalUrl: '/x' }), getResponse: () => res }),
  } as unknown as ArgumentsHost;
  return { argumentsHost, res };
}

Logger.overrideLogger(false);

describe(GlobalExceptionFilter.name, () => {
  const sut = new GlobalExceptionFilter();

  it('maps a domain error to its status and code, with the request id', () => {
    const { argumentsHost, res } = host();
    sut.catch(new NotFoundError('Token', 'TOKEN_NOT_FOUND'), argumentsHost);
    expect(res.status).toHaveBeenCalledWith(404);
    expect(res.json).toHaveBeenCalledWith({
      statusCode: 404,
      message: 'Token not found',
      error: 'Not Found',
      code: 'TOKEN_NOT_FOUND',
      detail: 'Token not found',
      requestId: 'req-1',
    });
  });

  it('keeps validation messages as a list and joins them into detail', () => {
    const { argumentsHost, res } = host();
    sut.catch(new BadRequestException(['a must be a string', 'b should not exist']), argumentsHost);
    expect(res.json).toHaveBeenCalledWith(
      expect.objectContaining({ message: ['a must be a string', 'b should not exist'], detail: 'a must be a string; b should not exist' }),
    );
  });

  it('sets the headers a domain error carries (Retry-After)', () => {
    const { argumentsHost, res } = host();
    sut.catch(new DomainError('BUSY', 'busy', HttpStatus.TOO_MANY_REQUESTS, { 'Retry-After': '5' }), argumentsHost);
    expect(res.setHeader).toHaveBeenCalledWith('Retry-After', '5');
    expect(res.status).toHaveBeenCalledWith(429);
  });

  it('hides the message of an unexpected error behind a 500', () => {
    const { argumentsHost, res } = host();
    sut.catch(new Error('password=hunter2 at /srv/app'), argumentsHost);
    expect(res.status).toHaveBeenCalledWith(500);
    expect(JSON.stringify(res.json.mock.calls[0])).not.toContain('hunter2');
  });

  it('passes an HttpException through with its status', () => {
    const { argumentsHost, res } = host();
    sut.catch(new HttpException('Gone', 410), argumentsHost);
    expect(res.status).toHaveBeenCalledWith(410);
  });
});
