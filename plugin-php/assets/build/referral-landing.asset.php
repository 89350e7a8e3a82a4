<?php return array('dependencies' => array(), 'version' => '55f6287451b2883453da');
