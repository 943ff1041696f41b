// The route table: one line per page (see lib/router.js for the fields).
// A new page is a module under pages/ and a line here.
const AGENTS = ['agent', 'admin'];
const ADMINS = ['admin'];

export default [
  { path: '#/login', load: () => import('./pages/login.js'), public: true },
  { path: '#/queue', load: () => import('./pages/queue.js'), roles: AGENTS, nav: ['queue', 'nav-queue'] },
  { path: '#/mine', load: () => import('./pages/mine.js'), nav: ['mytickets', 'nav-mine'], navRoles: ['requester'] },
  { path: '#/new', load: () => import('./pages/new.js'), nav: ['newticket', 'nav-new'] },
  { path: '#/ticket/:id', load: () => import('./pages/ticket.js') },
  { path: '#/models', load: () => import('./pages/models.js'), roles: ADMINS, nav: ['models', 'nav-models'] },
  { path: '#/people', load: () => import('./pages/people.js'), roles: ADMINS, nav: ['people', 'nav-people'] },
  { path: '#/people/:id', load: () => import('./pages/user.js'), roles: ADMINS },
  { path: '#/groups', load: () => import('./pages/groups.js'), roles: ADMINS },
  { path: '#/groups/:id', load: () => import('./pages/group.js'), roles: ADMINS },
  { path: '#/settings', load: () => import('./pages/settings.js'), roles: ADMINS, nav: ['settings', 'nav-settings'] },
  { path: '#/account', load: () => import('./pages/account.js') },
  { path: '#/jobs', load: () => import('./pages/jobs.js'), roles: ADMINS, nav: ['jobs', 'nav-jobs'] },
  { path: '#/audit', load: () => import('./pages/audit.js'), roles: ADMINS, nav: ['audit', 'nav-audit'] },
  { path: '#/lists', load: () => import('./pages/lists.js'), roles: ADMINS, nav: ['lists', 'nav-lists'] },
];
