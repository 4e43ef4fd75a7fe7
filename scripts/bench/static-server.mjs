// The reference for bench:page: a plain static file server (sirv) serving one directory.
import http from 'node:http';
import sirv from 'sirv';

const [dir, port] = process.argv.slice(2);
const serve = sirv(dir, { etag: true, maxAge: 30 });
http.createServer((req, res) => serve(req, res, () => { res.statusCode = 404; res.end(); }))
  .listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
