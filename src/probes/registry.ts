/** Every probe, one file each, in the chain order the verdict reads them. */
import type { ProbeDefinition } from './context.js';
import { builderKeyProbe } from './checks/builderKey.js';
import { buildersSettingProbe } from './checks/buildersSetting.js';
import { determinateProbe } from './checks/determinate.js';
import { hostKeyProbe } from './checks/hostKey.js';
import { hostnameResolutionProbe } from './checks/hostnameResolution.js';
import { launchdServiceProbe } from './checks/launchdService.js';
import { machinesFileProbe } from './checks/machinesFile.js';
import { nixInstallProbe } from './checks/nixInstall.js';
import { platformProbe } from './checks/platform.js';
import { remoteNixProbe } from './checks/remoteNix.js';
import { sshConfigIncludeProbe } from './checks/sshConfigInclude.js';
import { sshEffectiveConfigProbe } from './checks/sshEffectiveConfig.js';
import { sshLoginProbe } from './checks/sshLogin.js';
import { testBuildProbe } from './checks/testBuild.js';
import { vmPortProbe } from './checks/vmPort.js';

export const PROBES: readonly ProbeDefinition[] = [
  platformProbe,
  nixInstallProbe,
  determinateProbe,
  buildersSettingProbe,
  machinesFileProbe,
  sshConfigIncludeProbe,
  sshEffectiveConfigProbe,
  hostnameResolutionProbe,
  builderKeyProbe,
  launchdServiceProbe,
  vmPortProbe,
  hostKeyProbe,
  sshLoginProbe,
  remoteNixProbe,
  testBuildProbe,
];
