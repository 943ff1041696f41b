// The agent queue: every ticket, with filters, search and sort.
import { renderList } from '../lib/ticketlist.js';

export default (ctx) => renderList(false, ctx);
