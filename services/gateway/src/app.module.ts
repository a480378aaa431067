import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ApiErrorFilter } from '@livedesk/service-kit';
import { AsyncApiController } from './asyncapi/asyncapi.controller.js';
import { IdentityProxy } from './directory/identity-proxy.middleware.js';
import { ChatFilesProxy } from './files/chat-files-proxy.middleware.js';
import { RtmModule } from './rtm/rtm.module.js';
import { DeskController } from './desk/desk.controller.js';
import { WidgetController } from './widget/widget.controller.js';

/**
 * The gateway service: the public edge. The WebSocket protocol (authenticates clients,
 * validates frames, sends commands, fans pushes out), the desk and widget files, and the
 * identity service's public URLs forwarded to it (IdentityProxy). Every failed `/v1/` request
 * of its own answers `{error: {code, message}}` (ApiErrorFilter), as the identity service's do.
 * ServiceKitModule (added by bootstrapService) already provides config, logs, Postgres,
 * Redis, NATS, health and metrics; the service's own modules are imported here.
 */
@Module({
  imports: [RtmModule],
  controllers: [AsyncApiController, WidgetController, DeskController],
  providers: [IdentityProxy, ChatFilesProxy, { provide: APP_FILTER, useClass: ApiErrorFilter }],
})
export class GatewayModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(IdentityProxy, ChatFilesProxy).forRoutes({ path: 'v1/{*path}', method: RequestMethod.ALL });
  }
}
