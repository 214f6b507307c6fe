import { render } from 'preact';
import '../styles/home.css';
import { initLocale } from '../i18n/pageLocale';
import { HomePage } from './HomePage';

const root = document.getElementById('home');
if (!root) throw new Error('page element #home is missing');
initLocale();
render(<HomePage />, root);
