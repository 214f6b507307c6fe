import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import '../styles/console.css';
import { initLocale } from '../i18n/pageLocale';
import { App } from './App';

const root = document.getElementById('console');
if (!root) throw new Error('page element #console is missing');
// Before the first render: the console opens in its language, not in English for a moment.
initLocale();
render(<App />, root);
