/* Espace Citoyen — my status (available, pause, busy) and the team's presence list in the console bar. */
import { on } from './bus.js';
import { emitWithAck } from './connection.js';
import { t } from './i18n.js';
import { $, ME, clear, config, el } from './kit.js';
import { ackError, showStatus } from './messages.js';

const statusSelect = $('agent-status');
const agentsList = $('agents');
let myStatus = config.status || 'available';

function setStatusSelect(status) {
  myStatus = status;
  const option = Array.from(statusSelect.options).find((o) => o.value === status);
  if (option) statusSelect.value = status;
}
setStatusSelect(myStatus);

statusSelect.addEventListener('change', async () => {
  const wanted = statusSelect.value;
  const previous = myStatus;
  statusSelect.setAttribute('aria-busy', 'true');
  const response = await emitWithAck('agent:status', { status: wanted });
  statusSelect.removeAttribute('aria-busy');
  if (response.ok) {
    myStatus = wanted;
    showStatus(t('status.changed', { status: statusSelect.options[statusSelect.selectedIndex].text }));
  } else {
    setStatusSelect(previous);
    ackError(response);
  }
});

function renderAgents(agents) {
  clear(agentsList);
  if (!agents.length) {
    agentsList.appendChild(el('li', 'presence__empty', t('team.none')));
    return;
  }
  agents.forEach((agent) => {
    const li = el('li', 'agent');
    li.dataset.agentId = String(agent.id);
    li.dataset.status = agent.status;
    li.appendChild(el('span', 'agent__name', agent.name));
    if (agent.id === ME) {
      li.classList.add('is-me');
      li.appendChild(el('span', 'agent__me', ' (' + t('team.you') + ')'));
      if (document.activeElement !== statusSelect && !statusSelect.getAttribute('aria-busy')) {
        setStatusSelect(agent.status);
      }
    }
    li.appendChild(document.createTextNode(' '));
    li.appendChild(el('span', 'badge badge--status badge--' + agent.status, agent.status_label));
    if (agent.claimed) {
      li.appendChild(document.createTextNode(' '));
      li.appendChild(el('span', 'agent__claimed', t('team.claimed', { n: agent.claimed })));
    }
    agentsList.appendChild(li);
  });
}

on('agents:changed', renderAgents);
