import { render } from 'preact';
import '../styles/home.css';
import { HomePage } from './HomePage';

const root = document.getElementById('home');
if (!root) throw new Error('page element #home is missing');
render(<HomePage />, root);
