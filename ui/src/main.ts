import { mount } from 'svelte';
import App from './App.svelte';
import { warmUpAnswers } from './lib/markdown/warmUp';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const app = mount(App, { target });
// Once the window is up and idle, so the first answers' renders cost what later ones do.
setTimeout(() => warmUpAnswers(), 300);

export default app;
