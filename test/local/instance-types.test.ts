import { _InstanceType } from '@aws-sdk/client-ec2';
import { architectureMismatch, instanceTypeArchitecture } from '../../src/recipe/instance-architecture';
import {
  allInstanceTypes, instanceTypeInfo, isInstanceType, nearestInstanceType, unknownInstanceTypeProblem, vcpuQuotaBucket,
} from '../../src/recipe/instance-types';

describe('the bundled list of EC2 instance types', () => {
  test('holds exactly the types the EC2 API names, so a type the SDK knows is never refused', () => {
    expect([...allInstanceTypes()].sort()).toEqual(Object.values(_InstanceType).map(String).sort());
  });

  test.each([
    ['t2.micro', 1], ['t3.nano', 2], ['t3.small', 2], ['t4g.medium', 2], ['c6g.medium', 1], ['m5.large', 2],
    ['c5.9xlarge', 36], ['r7i.48xlarge', 192], ['m7i.metal-48xl', 192], ['m6g.metal', 64], ['c5n.metal', 72],
    ['i3.metal', 72], ['g4dn.metal', 96], ['hpc7a.96xlarge', 192], ['m2.xlarge', 2], ['mac1.metal', 12],
  ])('%s has %i vCPUs', (instanceType, vcpus) => {
    expect(instanceTypeInfo(instanceType)?.vcpus).toBe(vcpus);
  });

  test.each([
    ['t4g.small', 'arm64'], ['c7gn.large', 'arm64'], ['im4gn.large', 'arm64'], ['p6e-gb200.36xlarge', 'arm64'],
    ['t3.small', 'x86_64'], ['g5.xlarge', 'x86_64'], ['mac1.metal', 'x86_64_mac'], ['mac2-m2pro.metal', 'arm64_mac'],
  ])('%s is %s', (instanceType, architecture) => {
    expect(instanceTypeInfo(instanceType)?.architecture).toBe(architecture);
  });

  test.each([
    ['t3.small', 'Standard'], ['z1d.large', 'Standard'], ['inf2.xlarge', 'Inf'], ['g5.xlarge', 'G and VT'], ['vt1.3xlarge', 'G and VT'],
    ['p4d.24xlarge', 'P'], ['x2gd.large', 'X'], ['u-6tb1.metal', 'High Memory'], ['trn1.2xlarge', 'Trn'], ['hpc7g.4xlarge', 'HPC'],
  ])('%s counts against the %s On-Demand vCPU quota', (instanceType, bucket) => {
    expect(vcpuQuotaBucket(instanceType)).toBe(bucket);
  });

  test('a misspelt type is not one, and the nearest real type is suggested when it is close', () => {
    expect(isInstanceType('t3.mediun')).toBe(false);
    expect(nearestInstanceType('t3.mediun')).toBe('t3.medium');
    expect(unknownInstanceTypeProblem('t3.mediun')).toBe('"t3.mediun" is not an EC2 instance type; did you mean "t3.medium"?');
    expect(unknownInstanceTypeProblem('huge.box')).toMatch(/^"huge\.box" is not an EC2 instance type; use one that/);
    expect(unknownInstanceTypeProblem('t3.medium')).toBeUndefined();
  });

  test('architecture checks use the list: unknown and Mac types are left to their own checks', () => {
    expect(instanceTypeArchitecture('c7gn.large')).toBe('arm64');
    expect(instanceTypeArchitecture('t3.mediun')).toBeUndefined();
    expect(instanceTypeArchitecture('mac2.metal')).toBeUndefined();
    expect(architectureMismatch('m7g.large', 'x86_64')).toMatch(/^instance type m7g.large is arm64 but the source image is x86_64/);
  });
});
