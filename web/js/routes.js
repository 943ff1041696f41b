// The route table: one line per page (see lib/router.js for the fields).
// A new page is a module under pages/ and a line here, with the text key of
// its title (the browser's tab reads "<title> · Relais").
const AGENTS = ['agent', 'admin'];
const ADMINS = ['admin'];

export default [
  { path: '#/login', load: () => import('./pages/login.js'), public: true, title: 'signin' },
  { path: '#/queue', load: () => import('./pages/queue.js'), roles: AGENTS, nav: ['queue', 'nav-queue'], title: 'queue' },
  { path: '#/dashboard', load: () => import('./pages/dashboard.js'), roles: AGENTS, nav: ['dashboard', 'nav-dashboard'], title: 'dashboard' },
  { path: '#/mine', load: () => import('./pages/mine.js'), nav: ['mytickets', 'nav-mine'], navRoles: ['requester'], title: 'mytickets' },
  { path: '#/new', load: () => import('./pages/new.js'), nav: ['newticket', 'nav-new'], title: 'newticket' },
  { path: '#/ticket/:id', load: () => import('./pages/ticket.js'), title: 'title_ticket' },
  { path: '#/kb', load: () => import('./pages/kb.js'), nav: ['kb_title', 'nav-kb'], navRoles: AGENTS, title: 'kb_title' },
  { path: '#/kb', load: () => import('./pages/kb.js'), nav: ['kb_title_portal', 'nav-help'], navRoles: ['requester'], title: 'kb_title_portal' },
  { path: '#/kb/new', load: () => import('./pages/kbedit.js'), roles: AGENTS, title: 'kb_new' },
  { path: '#/kb/:id', load: () => import('./pages/article.js'), title: 'kb_title' },
  { path: '#/kb/:id/edit', load: () => import('./pages/kbedit.js'), roles: AGENTS, title: 'kb_edit' },
  { path: '#/models', load: () => import('./pages/models.js'), roles: ADMINS, nav: ['models', 'nav-models'], title: 'models' },
  { path: '#/people', load: () => import('./pages/people.js'), roles: ADMINS, nav: ['people', 'nav-people'], title: 'users' },
  { path: '#/people/:id', load: () => import('./pages/user.js'), roles: ADMINS, title: 'users' },
  { path: '#/groups', load: () => import('./pages/groups.js'), roles: ADMINS, title: 'groups' },
  { path: '#/groups/:id', load: () => import('./pages/group.js'), roles: ADMINS, title: 'groups' },
  { path: '#/settings', load: () => import('./pages/settings.js'), roles: ADMINS, nav: ['settings', 'nav-settings'], title: 'settings' },
  { path: '#/account', load: () => import('./pages/account.js'), title: 'account' },
  { path: '#/quality', load: () => import('./pages/quality.js'), roles: AGENTS, nav: ['quality', 'nav-quality'], title: 'quality_title' },
  { path: '#/jobs', load: () => import('./pages/jobs.js'), roles: ADMINS, nav: ['jobs', 'nav-jobs'], title: 'jobs' },
  { path: '#/audit', load: () => import('./pages/audit.js'), roles: ADMINS, nav: ['audit', 'nav-audit'], title: 'audit' },
  { path: '#/lists', load: () => import('./pages/lists.js'), roles: ADMINS, nav: ['lists', 'nav-lists'], title: 'lists' },
  { path: '#/macros', load: () => import('./pages/macros.js'), roles: AGENTS, nav: ['macros', 'nav-macros'], title: 'macros_title' },
  { path: '#/templates', load: () => import('./pages/templates.js'), roles: ADMINS, nav: ['templates', 'nav-templates'], title: 'templates_title' },
];
