#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { BakeryStack } from './bakery-stack';

const app = new App();
new BakeryStack(app, 'AmiBakery');
app.synth();
