/**
 * What V8 gets in a pod: the images' NODE_OPTIONS (semi-spaces of 8 MiB; old space 40 % of the Order Service's
 * 256 Mi limit and 32 % of the processor's 320 Mi in deploy/k8s/base: 102 MiB each), so that the bench measures the
 * memory a pod would use. deploy/test/memory.unit.test.ts keeps the Dockerfiles, the base and this in step.
 */
export const POD_NODE_OPTIONS = '--max-semi-space-size=8 --max-old-space-size=102';
