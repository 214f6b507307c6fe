import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import '../styles/console.css';
import { App } from './App';

const root = document.getElementById('console');
if (!root) throw new Error('page element #console is missing');
render(<App />, root);
