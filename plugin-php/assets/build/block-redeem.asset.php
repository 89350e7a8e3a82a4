<?php return array('dependencies' => array('react', 'wc-blocks-checkout', 'wp-element', 'wp-i18n', 'wp-plugins'), 'version' => 'c711ed4b21362109c601');
