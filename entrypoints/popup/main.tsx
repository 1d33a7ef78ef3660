import { render } from 'preact';
render(<p>Daakey Quick Reply</p>, document.getElementById('app')!);
