// The requester portal's list: the signed-in user's own tickets.
import { renderList } from '../lib/ticketlist.js';

export default (ctx) => renderList(true, ctx);
