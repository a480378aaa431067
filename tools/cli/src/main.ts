#!/usr/bin/env node
process.stderr.write('livedesk: not built yet\n');
process.exit(1);
