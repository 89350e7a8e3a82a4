<?php return array('dependencies' => array('wp-i18n'), 'version' => '3813f9f3e82afc800bbb');
