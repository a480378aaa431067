import { Module } from '@nestjs/common';
import { AsyncApiController } from './asyncapi/asyncapi.controller.js';
import { IdentityModule } from './identity/identity.module.js';
import { RtmModule } from './rtm/rtm.module.js';
import { DeskController } from './desk/desk.controller.js';
import { WidgetController } from './widget/widget.controller.js';

/**
 * The gateway service: the public WebSocket gateway: authenticates clients, validates frames, sends commands, fans pushes out.
 * ServiceKitModule (added by bootstrapService) already provides config, logs, Postgres,
 * Redis, NATS, health and metrics; the service's own modules are imported here.
 */
@Module({ imports: [IdentityModule, RtmModule], controllers: [AsyncApiController, WidgetController, DeskController] })
export class GatewayModule {}
