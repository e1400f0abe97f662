#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BakeryStack } from './bakery-stack';
import { addNagSuppressions } from './nag-suppressions';

const app = new App();
const stack = new BakeryStack(app, 'AmiBakery');
// AWS Solutions best-practice checks: `cdk synth` fails on a finding that is not acknowledged with a reason.
addNagSuppressions(stack, stack.bakery);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
