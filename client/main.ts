// Entry point: applies the remembered colour scheme first, then defines every element through the root;
// index.html holds a single <stoa-app>.
import { applyTheme, storedTheme } from './theme.js';
import { installRemoteImages } from './remote-images.js';
import './components/stoa-app.js';

applyTheme(storedTheme());
installRemoteImages();
