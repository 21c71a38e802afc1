// Entry point: defines every element through the root; index.html holds a single <stoa-app>.
import './components/stoa-app.js';
