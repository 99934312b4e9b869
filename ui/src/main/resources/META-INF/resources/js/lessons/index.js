// Lessons: each has a short text, a one-click setup through the API, and runs with no external network.
import { vlanLesson } from './vlan.js';
import { anatomyLesson } from './anatomy.js';
import { macTableLesson } from './mac-tables.js';
import { floodingLesson } from './flooding.js';
import { mtuLesson } from './mtu.js';
import { vlanWireLesson } from './vlan-wire.js';
import { reactorLesson } from './reactor.js';
import { migrationLesson } from './migration.js';

export function startLessons(root) {
  let world = null;
  const vlan = vlanLesson();
  const anatomy = anatomyLesson(() => world);
  const macs = macTableLesson(() => world);
  const reactor = reactorLesson();
  const migration = migrationLesson();
  root.append(vlan.node, anatomy.node, macs.node);
  root.append(floodingLesson().node, mtuLesson().node, vlanWireLesson().node, reactor.node, migration.node);
  return {
    onWorld(next) {
      const first = !world;
      world = next;
      if (first) {
        anatomy.render();
      }
    },
  };
}
